"""wirewash: clean scraped news, repair Unicode, and report which paragraphs outlets reused.

Installed, the package is this one name: ``wirewash.flows`` (the Prefect flow and the command line) and
``wirewash.tasks`` (the stages: read, clean, reuse, report, store) are the repository's ``flows/`` and
``tasks/`` folders, mapped under it when the package is built (``pyproject.toml``).
"""
