"""One router per endpoint family, each a thin adapter: policy → selector or service → schema."""
