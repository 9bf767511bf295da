"""The desk: who works on what, and where each article stands.

- assignments: assign, change and unassign reviewers; the desk's "open any article" rule
- queue: a reviewer's queue of assignments with progress, and Continue across it
- status: where each article stands (new, in review, ready, adjudicated, archived), moved by rule
- dashboard: work per reviewer and per article, for admins
- settings: the desk's rules as stored values, read and written (audited) in one way
"""
