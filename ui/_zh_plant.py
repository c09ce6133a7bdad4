"""Chinese for the plant's quality office at a desk: a read-only desk, the Plant tab (plantdesk)."""

ZH = {
    # a desk whose role writes nothing (ui.read_only)
    "qcdesk — {path} — read only": "qcdesk 质检台 — {path} — 只读",
    "Read only": "只读",
    "Read only: this desk's role reads the workshop's records and changes none (the plant's quality "
    "office signs nothing).":
        "只读：本工作站的角色只能查阅车间的记录，不能更改（全厂质量科不签署任何记录）。",
}
