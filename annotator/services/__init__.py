"""Plain functions that change or read the domain. The actor is passed in; callers commit."""
