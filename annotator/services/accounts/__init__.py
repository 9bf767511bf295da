"""Accounts: who may sign in, and how.

- users: accounts, roles, passwords set and reset, personal API tokens
- passwords: the password rules (length, common and guessable passwords)
- sessions: login sessions kept in the database, ended in every process at once
- throttle: growing delays after repeated failed logins
- security_log: the log of logins, failures, slow-downs and sign-outs
"""
