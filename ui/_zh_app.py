"""Chinese for the program's frame: the application, the main window, the session."""

ZH = {
    "qcdesk": "qcdesk 质检台",
    "qcdesk — {path}": "qcdesk 质检台 — {path}",
    "&File": "文件(&F)",
    "&Quit": "退出(&Q)",
    "(the log could not be written)": "（日志无法写入）",
    "internal error ({kind}: {error}). Nothing half-done was saved. Details: {path}":
        "内部错误（{kind}：{error}）。未保存任何半途的更改。详情见：{path}",
    "{what}: {error}": "{what}：{error}",
    "file": "文件",
    "&Reports": "报表(&R)",
    "Re&ports": "报表(&P)",
    "&Inspection sheet of this heat": "本炉检验单(&I)",
    "&Daily quality report of this day": "本日质量日报(&D)",
    "Open a heat first.": "请先打开一个炉次。",
    "OK": "确定",
    "&Close": "关闭(&C)",
    "&Open": "打开(&O)",
}

# plant mode: the database on a server
ZH.update({
    "The database is on a server ({db}): it is backed up there (qcdesk backup --auto), not by each desk":
        "数据库在服务器上（{db}）：由服务器端备份（qcdesk backup --auto），而不是由每个工作台备份",
    "Plant mode: the postgresql:// URI of the workshop's database on its server "
    "(postgresql://user@host:5432/qc). Keep its password in ~/.pgpass rather than in the URI.":
        "全厂模式：车间数据库在服务器上的 postgresql:// URI（postgresql://用户@主机:5432/qc）。"
        "密码请保存在 ~/.pgpass 中，不要写在 URI 里。",
    "this URI cannot be read: {problem}": "无法识别此 URI：{problem}",
})
