"""The YAML framework file: a `framework:` mapping of metadata and a nested `nodes:` list.

Reading works on PyYAML's composed node graph rather than on plain Python values,
because the graph keeps the line of every key: each `NodeSpec` and each metadata
key remembers `file.yaml:LINE`, so the engine's problems point at the line to fix.

Scalars are read conservatively, so that what a person wrote is what the engine gets:
- numbers with a decimal point become `Decimal` from their text (9.0929 stays exact);
- only true/false are booleans (YAML 1.1 would turn a choice key `no` into False);
- dates stay text (Vietnamese documents write dd/mm/yyyy anyway);
- codes and other text fields use the scalar's text as written, so `code: 1.10` is "1.10".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from parindex.engine import (
    Framework,
    FrameworkError,
    FrameworkSpec,
    NodeSpec,
    Problem,
    framework_to_spec,
)

from .common import (
    INFO_KEYS,
    NODE_DEFAULTS,
    FrameworkFileError,
    SpecReading,
    did_you_mean,
    split_list_text,
)

NULL_TAG = "tag:yaml.org,2002:null"
BOOL_TAG = "tag:yaml.org,2002:bool"
FLOAT_TAG = "tag:yaml.org,2002:float"
INT_TAG = "tag:yaml.org,2002:int"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"

# Keys of a node in the YAML format (`parent` is given by nesting, `children` holds it).
YAML_NODE_KEYS: tuple[str, ...] = (
    "code",
    "title",
    "max_points",
    "kind",
    "rule",
    "source",
    "indicator",
    "evidence",
    "evidence_hint",
    "tags",
    "previous_codes",
    "alternatives",
    "guidance",
    "children",
)
_TEXT_KEYS = (
    "code",
    "title",
    "kind",
    "source",
    "indicator",
    "evidence",
    "evidence_hint",
    "guidance",
)
_LIST_KEYS = ("tags", "previous_codes")
_TOP_KEYS = ("framework", "nodes")


class _Loader(yaml.SafeLoader):
    """SafeLoader with exact decimals, true/false-only booleans and no timestamps."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag not in (BOOL_TAG, TIMESTAMP_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal | float:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is not None and value.is_finite():
        return value
    # .inf, .nan and sexagesimal floats: PyYAML's float, which the engine then rejects.
    return float(loader.construct_yaml_float(node))


_Loader.add_constructor(FLOAT_TAG, _construct_decimal)


class _Dumper(yaml.SafeDumper):
    """SafeDumper that writes Decimals as plain numbers, multi-line text as blocks,
    and indents lists under their key (the way people write YAML by hand)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    # "10" must stay an int-looking plain scalar and "9.0929" a float-looking one, so that
    # the emitter does not add an explicit tag.
    return dumper.represent_scalar(FLOAT_TAG if "." in text else INT_TAG, text)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


class _FlowMapping(dict[Any, Any]):
    """A small mapping of scalars, written on one line: `{key: on_time, points: 1}`."""


class _FlowList(list[Any]):
    """A short list of scalars, written on one line: `[quick_win, survey]`."""


def _represent_flow_mapping(dumper: yaml.SafeDumper, value: _FlowMapping) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=True)


def _represent_flow_list(dumper: yaml.SafeDumper, value: _FlowList) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(str, _represent_text)
_Dumper.add_representer(_FlowMapping, _represent_flow_mapping)
_Dumper.add_representer(_FlowList, _represent_flow_list)

_NO_WRAP = 1_000_000  # long titles stay on one line; editors wrap, folded YAML confuses people


def parse_inline(text: str) -> Any:
    """Inline YAML (as in the Excel `rule_params` column) read with the framework's scalar rules.

    Raises `yaml.YAMLError` when the text is not valid YAML.
    """
    return yaml.load(text, Loader=_Loader)  # _Loader is a SafeLoader


def dump_inline(value: Any) -> str:
    """One-line flow YAML, the inverse of `parse_inline` ("{full_at_percent: 100}")."""
    text = yaml.dump(
        _plain(value),
        Dumper=_Dumper,
        default_flow_style=True,
        allow_unicode=True,
        sort_keys=False,
        width=_NO_WRAP,
    )
    return text.strip().removesuffix("...").strip()


def _plain(value: Any) -> Any:
    """Mappings and sequences of any kind as dicts and lists, which the dumper knows."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


_FLOW_WIDTH = 80


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (Mapping, list, tuple)) and not (
        isinstance(value, str) and "\n" in value
    )


def _compact(value: Any) -> Any:
    """Plain values where short mappings and lists of scalars are marked for one-line output,
    which keeps options, thresholds, classes and tags readable at a glance."""
    if isinstance(value, Mapping):
        items = {key: _compact(item) for key, item in value.items()}
        scalars = all(_is_scalar(item) for item in items.values())
        if scalars and len(dump_inline(items)) <= _FLOW_WIDTH:
            return _FlowMapping(items)
        return items
    if isinstance(value, (list, tuple)):
        entries = [_compact(item) for item in value]
        scalars = bool(entries) and all(_is_scalar(item) for item in entries)
        if scalars and len(dump_inline(entries)) <= _FLOW_WIDTH:
            return _FlowList(entries)
        return entries
    return value


class _Reader:
    """Turns one composed YAML document into a `FrameworkSpec`, collecting located problems."""

    def __init__(self, label: str, loader: _Loader) -> None:
        self.label = label
        self.loader = loader
        self.problems: list[Problem] = []

    def at(self, node: Node) -> str:
        return f"{self.label}:{node.start_mark.line + 1}"

    def problem(self, node: Node, message: str) -> None:
        self.problems.append(Problem(self.at(node), message))

    def pairs(self, mapping: MappingNode) -> list[tuple[str, Node, Node]]:
        """(key, key node, value node) of a mapping; a repeated key is a problem, not a silent
        overwrite as in plain PyYAML."""
        seen: dict[str, Node] = {}
        result: list[tuple[str, Node, Node]] = []
        for key_node, value_node in mapping.value:
            if not isinstance(key_node, ScalarNode):
                self.problem(key_node, "khóa phải là chữ")
                continue
            key = str(key_node.value)
            if key in seen:
                first_line = seen[key].start_mark.line + 1
                self.problem(key_node, f"khóa «{key}» lặp lại (đã có ở dòng {first_line})")
                continue
            seen[key] = key_node
            result.append((key, key_node, value_node))
        return result

    def python(self, node: Node) -> Any:
        """Plain Python value of a node, with the framework's scalar rules."""
        if isinstance(node, MappingNode):
            return {key: self.python(value) for key, _, value in self.pairs(node)}
        if isinstance(node, SequenceNode):
            return [self.python(item) for item in node.value]
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as error:
            self.problem(node, f"giá trị không đọc được: {error}")
            return None

    def text(self, node: Node, key: str) -> str | None:
        """A text field as written; None when empty (`key:` or `key: null`)."""
        if not isinstance(node, ScalarNode):
            self.problem(node, f"«{key}» phải là một giá trị chữ, không phải danh sách hay bảng")
            return None
        if node.tag == NULL_TAG:
            return None
        return str(node.value)

    # --- metadata ---------------------------------------------------------------------------

    def read_info(self, mapping: Node, locations: dict[str, str]) -> dict[str, Any]:
        if not isinstance(mapping, MappingNode):
            self.problem(mapping, "«framework» phải là bảng thông tin (code, name, year, …)")
            return {}
        info: dict[str, Any] = {}
        for key, key_node, value_node in self.pairs(mapping):
            locations[key] = self.at(key_node)
            if key in ("code", "name", "unit_group", "legal_basis", "status_note"):
                info[key] = self.text(value_node, key)
            elif key == "classes" and isinstance(value_node, SequenceNode):
                for position, item in enumerate(value_node.value, start=1):
                    locations[f"classes.{position}"] = self.at(item)
                info[key] = self.python(value_node)
            else:
                info[key] = self.python(value_node)
        return info

    # --- nodes ------------------------------------------------------------------------------

    def read_nodes(self, sequence: Node, parent: str | None, out: list[NodeSpec]) -> None:
        if not isinstance(sequence, SequenceNode):
            self.problem(sequence, "phải là danh sách mục (mỗi mục bắt đầu bằng «- code: …»)")
            return
        for item in sequence.value:
            if not isinstance(item, MappingNode):
                self.problem(item, "mỗi mục phải là bảng khóa: giá trị (code, title, max_points …)")
                continue
            spec, children = self.read_node(item, parent)
            out.append(spec)
            if children is not None:
                self.read_nodes(children, spec.code, out)

    def read_node(self, mapping: MappingNode, parent: str | None) -> tuple[NodeSpec, Node | None]:
        fields: dict[str, Any] = {}
        locations: dict[str, str] = {}
        children: Node | None = None
        for key, key_node, value_node in self.pairs(mapping):
            locations[key] = self.at(key_node)
            if key in _TEXT_KEYS:
                value = self.text(value_node, key)
                if value is not None:
                    fields[key] = value
            elif key == "max_points":
                fields[key] = self.python(value_node)
            elif key == "rule":
                self.read_rule(value_node, fields, locations)
            elif key in _LIST_KEYS:
                fields[key] = self.read_list(value_node, key)
            elif key == "alternatives":
                value = self.python(value_node)
                if value is not None and not isinstance(value, bool):
                    self.problem(value_node, "«alternatives» phải là true hoặc false")
                else:
                    fields[key] = bool(value)
            elif key == "children":
                if not (isinstance(value_node, ScalarNode) and value_node.tag == NULL_TAG):
                    children = value_node
            else:
                self.problem(key_node, f"khóa «{key}» không có{did_you_mean(key, YAML_NODE_KEYS)}")
        spec = NodeSpec(
            code=fields.get("code", ""),
            parent=parent,
            location=self.at(mapping),
            field_locations=locations,
            **{key: value for key, value in fields.items() if key != "code"},
        )
        return spec, children

    def read_rule(self, node: Node, fields: dict[str, Any], locations: dict[str, str]) -> None:
        if isinstance(node, ScalarNode):  # shorthand: `rule: manual`
            fields["rule"] = self.text(node, "rule")
            return
        if not isinstance(node, MappingNode):
            self.problem(node, "«rule» phải là bảng: type: TÊN_QUY_TẮC và các tham số")
            return
        params: dict[str, Any] = {}
        for key, key_node, value_node in self.pairs(node):
            locations[f"rule.{key}"] = self.at(key_node)
            if key == "type":
                fields["rule"] = self.text(value_node, "type")
            else:
                params[key] = self.python(value_node)
        if "rule" not in fields or not fields["rule"]:
            self.problem(node, "«rule» thiếu «type» (choice, ratio, bands, deduction, …)")
        fields["rule_params"] = params

    def read_list(self, node: Node, key: str) -> list[str]:
        if isinstance(node, ScalarNode):  # "quick_win, survey" is accepted as a list too
            text = self.text(node, key)
            return split_list_text(text) if text else []
        if not isinstance(node, SequenceNode):
            self.problem(node, f"«{key}» phải là danh sách")
            return []
        values: list[str] = []
        for item in node.value:
            value = self.text(item, key)
            if value is None:
                continue
            if "," in value:
                # The Excel format keeps these lists comma-separated; a comma would split it.
                self.problem(item, f"giá trị «{value}» trong «{key}» không được chứa dấu phẩy")
            values.append(value.strip())
        return values


def read_yaml(path: Path | str) -> SpecReading:
    """Read a YAML framework file. Raises `FrameworkFileError` when it cannot be read and
    `FrameworkError` (one located problem) when it is not valid YAML."""
    label = str(path)
    text = _read_text(Path(path))
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{label}:{mark.line + 1}" if mark else label
        detail = error.problem or error.context or "không rõ"
        if error.problem and error.context and error.context_mark:
            detail += f" ({error.context}, dòng {error.context_mark.line + 1})"
        raise FrameworkError([Problem(where, f"lỗi cú pháp YAML: {detail}")]) from None
    except yaml.YAMLError as error:
        raise FrameworkError([Problem(label, f"lỗi cú pháp YAML: {error}")]) from None
    finally:
        loader.dispose()

    reader = _Reader(label, loader)
    info: dict[str, Any] = {}
    info_locations: dict[str, str] = {}
    nodes: list[NodeSpec] = []
    location = f"{label}:1"
    if root is None:
        reader.problems.append(Problem(label, "tệp rỗng: cần «framework:» và «nodes:»"))
    elif not isinstance(root, MappingNode):
        reader.problem(root, "tệp phải có hai phần «framework:» và «nodes:»")
    else:
        found: set[str] = set()
        for key, key_node, value_node in reader.pairs(root):
            found.add(key)
            if key == "framework":
                location = reader.at(key_node)
                info = reader.read_info(value_node, info_locations)
            elif key == "nodes":
                reader.read_nodes(value_node, None, nodes)
            else:
                reader.problem(key_node, f"phần «{key}» không có{did_you_mean(key, _TOP_KEYS)}")
        for key in _TOP_KEYS:
            if key not in found:
                reader.problems.append(Problem(location, f"thiếu phần «{key}:»"))
    spec = FrameworkSpec(info=info, nodes=nodes, location=location, info_locations=info_locations)
    return SpecReading(spec, reader.problems)


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise FrameworkFileError(path, "không tìm thấy tệp") from None
    except IsADirectoryError:
        raise FrameworkFileError(path, "đây là thư mục, không phải tệp") from None
    except OSError as error:
        raise FrameworkFileError(path, f"không đọc được ({error.strerror})") from None
    except UnicodeDecodeError as error:
        raise FrameworkFileError(
            path, f"không phải văn bản UTF-8 (byte thứ {error.start + 1})"
        ) from None


# --- writing ----------------------------------------------------------------------------------

_HEADER = (
    "# Bộ tiêu chí đánh giá Chỉ số cải cách hành chính (parindex).\n"
    "# Định dạng tệp: docs/framework-format.md\n"
)


def framework_document(framework: Framework) -> dict[str, Any]:
    """The framework as the plain structure the YAML file holds."""
    spec = framework_to_spec(framework)
    info: dict[str, Any] = {}
    for key in INFO_KEYS:
        value = spec.info.get(key)
        if key in ("legal_basis", "status_note") and not value:
            continue  # empty optional text: leave it out, reading gives "" again
        info[key] = value
    info.update((key, value) for key, value in spec.info.items() if key not in INFO_KEYS)

    children_of: dict[str | None, list[NodeSpec]] = {}
    for node in spec.nodes:
        children_of.setdefault(node.parent, []).append(node)

    def document(node: NodeSpec) -> dict[str, Any]:
        entry: dict[str, Any] = {"code": node.code, "title": node.title}
        entry["max_points"] = node.max_points
        if node.kind != NODE_DEFAULTS["kind"]:
            entry["kind"] = node.kind
        if node.rule:
            entry["rule"] = {"type": node.rule, **node.rule_params}
        if node.source != NODE_DEFAULTS["source"]:
            entry["source"] = node.source
        if node.indicator:
            entry["indicator"] = node.indicator
        if node.evidence != NODE_DEFAULTS["evidence"]:
            entry["evidence"] = node.evidence
        for key in ("evidence_hint", "tags", "previous_codes"):
            if getattr(node, key):
                entry[key] = getattr(node, key)
        if node.alternatives:
            entry["alternatives"] = True
        if node.guidance:
            entry["guidance"] = node.guidance
        if node.code in children_of:
            entry["children"] = [document(child) for child in children_of[node.code]]
        return entry

    return {"framework": info, "nodes": [document(root) for root in children_of.get(None, [])]}


def dump_yaml(framework: Framework) -> str:
    """The YAML text of a framework: document order, Vietnamese unescaped, exact numbers."""
    body = yaml.dump(
        _compact(framework_document(framework)),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        indent=2,
        width=_NO_WRAP,
    )
    return _HEADER + body


def write_yaml(framework: Framework, path: Path | str) -> None:
    """Write the YAML file (callers wanting all-or-nothing use `write_framework`)."""
    Path(path).write_text(dump_yaml(framework), encoding="utf-8")
