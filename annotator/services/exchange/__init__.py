"""Exchange: articles and judgements in and out of the desk.

- imports: batch import shared by the import page and `annotator import` (parse, preview, import)
- import_files: importing files from disk, each within the size limit
- reload: loading our own JSON export into this instance
- exports: reading annotations for export, filtered, as plain records for the exporters
- export_params: export filter, options and format from a query string or the CLI
- desk_exchange: the desk's part of the JSON export and its reload (status, assignments)
"""
