"""Read a YAML configuration file and remember the line of every value, for error messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import ServiceDataError

Key = tuple[str | int, ...]


class Located:
    """A parsed YAML document plus `where(path)`: "file.yaml, dòng 12" for a key path."""

    def __init__(self, data: Any, lines: dict[Key, int], file_name: str) -> None:
        self.data = data
        self._lines = lines
        self.file_name = file_name

    def where(self, *path: str | int) -> str:
        key: Key = tuple(path)
        while key and key not in self._lines:
            key = key[:-1]
        line = self._lines.get(key)
        return f"{self.file_name}, dòng {line}" if line else self.file_name


def _construct(node: yaml.Node, path: Key, lines: dict[Key, int], loader: yaml.SafeLoader) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            result[key] = _construct(value_node, (*path, str(key)), lines, loader)
            lines[(*path, str(key))] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(item, (*path, position), lines, loader)
            for position, item in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)


def load_located_yaml(path: Path) -> Located:
    """Parse `path`; a syntax error becomes a `ServiceDataError` with the line."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ServiceDataError(f"không đọc được tệp: {error.strerror}", name) from None
    except UnicodeDecodeError:
        raise ServiceDataError("tệp không phải UTF-8", name) from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        lines: dict[Key, int] = {}
        data = _construct(node, (), lines, loader) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{name}, dòng {mark.line + 1}" if mark is not None else name
        raise ServiceDataError(f"YAML không hợp lệ: {error}", where) from None
    finally:
        loader.dispose()
    return Located(data, lines, name)
