"""Near-duplicates: the crop-tolerant part of the duplicate rule (``crops.py``), shared by the review
page and the release gates. Imports the schema and the image facts of ``ingest`` only."""
