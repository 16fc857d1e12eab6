#!/usr/bin/env python3
"""Writes the Zeppelin note sasrec-walkthrough.zpln from the Jupyter notebook sasrec-walkthrough.ipynb.

The Jupyter notebook is the one source of the walk-through. Its cells tagged "setup" are Almond-specific (loading
Spark and the jar, showing images); the note replaces them with Zeppelin's equivalents below and keeps every other
cell as it is: markdown as %md paragraphs, Scala as %spark paragraphs. NotebookTest fails when the note is out of
step with the notebook; rerun this script after editing the notebook.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
NOTEBOOK = os.path.join(HERE, "sasrec-walkthrough.ipynb")
NOTE = os.path.join(HERE, "sasrec-walkthrough.zpln")

ZEPPELIN_SETUP = [
    ("Setup (Zeppelin)", "%spark.conf\n"
     "# The project's jar: the path the Docker image puts it at; point it at jobs/target/sasrec-jobs-*-all.jar\n"
     "# of a local build otherwise. Run this paragraph first, before the Spark interpreter starts.\n"
     "spark.jars /opt/sasrec/sasrec-jobs.jar\n"
     "spark.sql.shuffle.partitions 4"),
    ("How the plots are shown (Zeppelin)", "%spark\n"
     "def showPng(png: Array[Byte]): Unit =\n"
     "  println(\"%html <img src=\\\"data:image/png;base64,\" + java.util.Base64.getEncoder.encodeToString(png) + \"\\\"/>\")"),
]


def paragraph(index, title, text):
    language = "markdown" if text.startswith("%md") else "scala"
    return {
        "id": "paragraph_%02d" % index,
        "title": title,
        "text": text,
        "config": {"editorSetting": {"language": language, "editOnDblClick": language == "markdown"},
                   "editorMode": "ace/mode/" + language, "editorHide": language == "markdown",
                   "title": title is not None},
        "settings": {"params": {}, "forms": {}},
        "results": {},
    }


def main():
    with open(NOTEBOOK, encoding="utf-8") as f:
        cells = json.load(f)["cells"]
    paragraphs = []
    setup_done = False
    for cell in cells:
        source = "".join(cell["source"])
        if "setup" in cell.get("metadata", {}).get("tags", []):
            if not setup_done:
                for title, text in ZEPPELIN_SETUP:
                    paragraphs.append((title, text))
                setup_done = True
            continue
        prefix = "%md\n" if cell["cell_type"] == "markdown" else "%spark\n"
        paragraphs.append((None, prefix + source))
    note = {
        "name": "SASRec on Spark: a walk-through",
        "id": "SASRECWALKTHROUGH",
        "defaultInterpreterGroup": "spark",
        "version": "0.11.2",
        "noteParams": {},
        "noteForms": {},
        "angularObjects": {},
        "config": {"isZeppelinNotebookCronEnable": False},
        "info": {},
        "paragraphs": [paragraph(i, t, s) for i, (t, s) in enumerate(paragraphs)],
    }
    with open(NOTE, "w", encoding="utf-8") as f:
        json.dump(note, f, indent=2, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
