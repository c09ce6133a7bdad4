"""Chinese for the guards of issue 12: a damaged database said loudly, files not written over
the database."""

ZH = {
    "The database {path} failed its integrity check on {when} ({found}). Nothing more can be saved "
    "in it: restore a backup (qcdesk restore), or, if the file was repaired, check it again "
    "(qcdesk verify).":
        "数据库 {path} 在 {when} 未通过完整性检查（{found}）。此后不能再向其中保存任何内容：请恢复备份"
        "（qcdesk restore）；如果文件已修复，请再次检查（qcdesk verify）。",
    "The database is damaged": "数据库已损坏",
    "Print": "打印",
}
