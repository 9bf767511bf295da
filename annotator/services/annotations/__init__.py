"""Annotations: reviewers' judgements of claims.

- annotations: create, change, delete (softly) and undelete a judgement, each with a revision
- history: a judgement's revisions as diffs, reverting to one, and an article's activity log
- ratings: the credibility a saved evidence link stores, and why
- similar: "Seen before", the earlier judged claims closest to a sentence or span
- claim_vectors: the claims' sentence vectors: the work list, the background encoder, the in-memory search
"""
