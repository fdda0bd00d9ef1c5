"""The static files storage of `vinculo up`: hashed names and precompressed files, served by
WhiteNoise."""

from __future__ import annotations

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


class CompressedStaticStorage(CompressedManifestStaticFilesStorage):
    """Gzip only. WhiteNoise adds Brotli files whenever the brotli package is importable, and
    the load tool of the benchmarks brings it in: at Brotli's default quality, compressing the
    34 MB of static files (most of them the API documentation's bundle) takes about two minutes
    on two cores, on every start of `vinculo up`, against five seconds for gzip. Browsers all
    take gzip."""

    def create_compressor(self, **kwargs: Any) -> Any:
        kwargs["use_brotli"] = False
        return super().create_compressor(**kwargs)
