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
