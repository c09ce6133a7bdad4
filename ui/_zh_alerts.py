"""Chinese for the off-grade banner (issue 14, alerts)."""

ZH = {
    "Dismiss": "关闭",
    "Show heat {heat_no} in the Heat tab": "在炉次页中显示炉次 {heat_no}",
    "Dismiss this announcement on every desk of the workshop (an inspector or a workshop head, signed in); "
    "who dismissed it and when goes into the heat's history":
        "在车间所有工作台上关闭此通告（须由已登录的检验员或车间主任操作）；关闭人和时间记入该炉的历史",
    "Dismissed by {who} at {when}: {what}": "{who} 于 {when} 关闭了通告：{what}",
    "{n} off-grade announcements not dismissed: scroll for the rest":
        "共 {n} 条成分不合格通告未关闭：其余的请滚动查看",
}

# the heat's history
ZH.update({
    "off-grade announcement · {element}": "成分不合格通告 · {element}",
    "dismissed": "已关闭",
})
