#!/usr/bin/env python3
"""Fills every entry of the source-language .ts file (English) with its source text and marks it finished, so
the English file is complete by construction. Plural entries get the source text for each form."""
import sys
import xml.etree.ElementTree as ET


def fill(path):
    tree = ET.parse(path)
    for message in tree.getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if translation is None:
            translation = ET.SubElement(message, "translation")
        if message.get("numerus") == "yes":
            forms = translation.findall("numerusform")
            if not forms:
                forms = [ET.SubElement(translation, "numerusform"), ET.SubElement(translation, "numerusform")]
            for form in forms:
                if not (form.text or "").strip():
                    form.text = source
        elif not (translation.text or "").strip():
            translation.text = source
        translation.attrib.pop("type", None)
    with open(path, "wb") as out:
        out.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        tree.write(out, encoding="utf-8", xml_declaration=False)
        out.write(b"\n")


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        fill(arg)
