"""Chinese for the history browser, the set-up views, the preferences and the import dialog."""

ZH = {
    # history browser
    "Heat no.": "炉号",
    "Production date": "生产日期",
    "Shift": "班次",
    "Converter": "转炉",
    "Grade": "钢种",
    "Tap time": "出钢时间",
    "Tapped t": "出钢量(t)",
    "Chemistry": "成分",
    "Ingots judged/total": "已判/钢锭数",
    "Ingot qualified rate": "钢锭合格率",
    "{formula}\nby count: {rate}": "{formula}\n按支数：{rate}",
    "C&lear filters": "清除筛选(&L)",
    "&From": "从(&F)",
    "&To": "到(&T)",
    "C&onverter": "转炉(&O)",
    "&Grade": "钢种(&G)",
    "S&hift": "班次(&H)",
    "Chemistr&y": "成分(&Y)",
    "any": "全部",
    "{shown} heats shown": "显示 {shown} 炉",
    "{shown} of {total} heats shown": "显示 {shown} / {total} 炉",
}
