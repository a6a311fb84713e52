"""Media: the bytes of images and volumes, below every layer that handles them.

``imaging.py`` (the real format sniffed from magic numbers, size, SHA-256 and perceptual hashes:
``MediaFacts``), ``convert.py`` (the one 8-bit conversion policy, EXIF and text metadata removal),
``volumes.py`` (a CT stack to one NIfTI volume) and ``store.py`` (the content-addressed media store:
a folder, or an ``ftp://`` / ``s3://`` store URI on Scrapy's store classes). Imports the schema only.
Nothing is imported here, so a command pays for Pillow and nibabel only when it reads an image.
"""
