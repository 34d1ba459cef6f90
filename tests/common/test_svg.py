"""Server-drawn charts are images with a name: `role="img"`, an `aria-label` and a `<title>`."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from matplotlib.figure import Figure

from parindex.common.svg import DRAW_LOCK, labelled, svg

SVG = "{http://www.w3.org/2000/svg}"


def test_a_chart_drawn_with_a_title_is_a_named_image():
    with DRAW_LOCK:
        figure = Figure(figsize=(2, 1))
        figure.add_subplot().plot([1, 2, 3])
        drawn = svg(figure, title='Chỉ số "A" & B')
    root = ET.fromstring(drawn)
    assert root.get("role") == "img"
    assert root.get("aria-label") == 'Chỉ số "A" & B'
    assert root[0].tag == f"{SVG}title"
    assert root[0].text == 'Chỉ số "A" & B'


def test_labelling_keeps_the_rest_of_the_document():
    plain = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>'
    named = labelled(plain, "Biểu đồ <x>")
    assert named.startswith('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"')
    root = ET.fromstring(named)
    assert root.get("aria-label") == "Biểu đồ <x>"
    assert [child.tag for child in root] == [f"{SVG}title", f"{SVG}g"]
