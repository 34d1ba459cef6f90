"""Constants shared by the framework-file tests. Every framework here is test data."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "minimal.yaml"
BROKEN = FIXTURES / "broken.yaml"

# Metadata that validates, for broken-node tests written inline (max_total 10).
HEADER = """\
framework:
  code: test
  name: Bộ tiêu chí thử nghiệm (dữ liệu kiểm thử)
  year: 2025
  unit_group: Sở, ban, ngành
  max_total: 10
"""
