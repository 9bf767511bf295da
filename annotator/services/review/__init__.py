"""Review: comparing reviewers and settling their disagreements.

- adjudication: which verdict stands for each reviewer, agreement on an article, admins' final verdicts
- agreement: agreement over any set of articles (alpha, kappas, confusion matrices), as tables and CSV
- disagreements: the admins' queue of sentences where reviewers disagree
- reasons: each reviewer's reasons beside a disagreement, in context; one judgement taken as final
"""
