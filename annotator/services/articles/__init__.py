"""Articles: the texts under review and their sentences.

- articles: create, find, change (one entry point) and remove articles; segmentation happens here
- boundaries: correcting segmentation (merge, split, re-run) and editing an article's text
- listing: the article list, a page at a time, with progress and the desk's columns and filters
- workspace: everything the annotation page shows, loaded in a fixed number of queries
"""
