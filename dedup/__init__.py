"""Near-duplicates: the duplicate rule shared by the review page and the release gates, on
perceptual hashes (``hashes.py``: the rule and the index that finds its candidates) and in another
frame (``crops.py``). Imports the schema and the image facts of ``ingest`` only."""
