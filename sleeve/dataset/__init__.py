"""The dataset builder: images in, a deduplicated, captioned training set out.

Inputs become ``SourceItem``s (``sources``); each is validated, converted to sRGB, hashed
and captioned (``process``), in chunks that run in a process pool or as Celery tasks; the
merge step removes near-duplicates and writes WebDataset shards, a Parquet manifest and the
stats (``build``).
"""
