"""Strip active content from PDFs passed on to the client (the package PDF).

An inbox PDF may carry JavaScript, launch/URI/submit actions, embedded files or form
fields; copying its pages keeps page-level actions and annotations. Everything that can
act when the package is opened, or that is not the visible page, is removed.
"""

from __future__ import annotations

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject

# Catalog entries that run or carry something besides the pages.
_CATALOG_KEYS = ("/OpenAction", "/AA", "/AcroForm", "/JavaScript", "/URI", "/Names")
# Annotations that are forms, attachments or media: dropped entirely.
_DROPPED_ANNOTATIONS = {
    "/Widget",
    "/FileAttachment",
    "/Screen",
    "/Movie",
    "/Sound",
    "/RichMedia",
    "/3D",
}
# Keys of an annotation that hold actions or attached data.
_ANNOTATION_ACTION_KEYS = ("/A", "/AA", "/FS")


def sanitise_writer(writer: PdfWriter) -> None:
    """Remove actions, scripts, attachments and forms from every page and the catalog."""
    root = writer._root_object
    for key in _CATALOG_KEYS:
        if key == "/Names":
            _drop_names(root)
        elif key in root:
            del root[NameObject(key)]
    for page in writer.pages:
        _sanitise_page(page)
    if "/Outlines" in root:
        _sanitise_outline(root["/Outlines"].get_object().get("/First"))


def _sanitise_outline(item, depth: int = 0) -> None:
    """Bookmarks may only jump inside the document (GoTo); other actions are removed."""
    seen: set[int] = set()
    while item is not None and depth < 50:
        node = item.get_object()
        if id(node) in seen:
            return  # a malformed, cyclic outline
        seen.add(id(node))
        action = node.get("/A")
        if action is not None and action.get_object().get("/S") != "/GoTo":
            del node[NameObject("/A")]
        _sanitise_outline(node.get("/First"), depth + 1)
        item = node.get("/Next")


def _drop_names(root: DictionaryObject) -> None:
    names = root.get("/Names")
    if names is None:
        return
    names = names.get_object()
    for key in ("/JavaScript", "/EmbeddedFiles"):
        if key in names:
            del names[NameObject(key)]


def _sanitise_page(page: DictionaryObject) -> None:
    if "/AA" in page:
        del page[NameObject("/AA")]
    annotations = page.get("/Annots")
    if annotations is None:
        return
    kept = ArrayObject()
    for ref in annotations.get_object():
        annotation = ref.get_object()
        if not isinstance(annotation, DictionaryObject):
            continue
        subtype = annotation.get("/Subtype")
        if subtype in _DROPPED_ANNOTATIONS:
            continue
        for key in _ANNOTATION_ACTION_KEYS:
            if key in annotation:
                del annotation[NameObject(key)]
        if subtype == "/Link" and "/Dest" not in annotation:
            continue  # a link whose only purpose was its action
        kept.append(ref)
    if kept:
        page[NameObject("/Annots")] = kept
    else:
        del page[NameObject("/Annots")]
