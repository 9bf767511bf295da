"""Concurrent saves must queue, not fail with "database is locked"."""

import threading

from annotator.extensions import db
from annotator.models import Annotation


def test_concurrent_saves_all_succeed(app, make_article, make_user, token_for):
    article = make_article()
    reviewers = [make_user() for _ in range(8)]
    headers = [token_for(user) for user in reviewers]
    sentence_ids = [s.id for s in article.sentences]
    statuses: list[int] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def work(i: int) -> None:
        try:
            save_all(i)
        except BaseException as error:
            failures.append(error)

    def save_all(i: int) -> None:
        client = app.test_client()
        for sentence_id in sentence_ids:
            made = client.post(
                "/api/v1/annotations",
                headers=headers[i],
                json={"sentence_id": sentence_id, "verdict": "verified", "note": f"r{i}"},
            )
            patched = (
                client.patch(
                    f"/api/v1/annotations/{made.get_json()['id']}",
                    headers=headers[i],
                    json={"verdict": "disputed", "version": 1},
                )
                if made.status_code == 201
                else made
            )
            with lock:
                statuses.extend([made.status_code, patched.status_code])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    assert statuses.count(201) == 8 * len(sentence_ids), statuses
    assert statuses.count(200) == 8 * len(sentence_ids), statuses
    db.session.rollback()  # end the test's own read snapshot
    assert db.session.scalar(
        db.select(db.func.count()).select_from(Annotation).where(Annotation.verdict == "disputed")
    ) == 8 * len(sentence_ids)
