"""Chinese for what the other desks save, shown as it happens (issue 14, live)."""

ZH = {
    # the heat view: the heat was saved at another desk while something typed here is not
    "This heat was changed at another desk. What you typed here is not saved yet: save it, or reload to "
    "see the heat as it is saved now.": "此炉次已在另一台工作站上被修改。您在此输入的内容尚未保存："
    "请保存，或重新载入以查看当前已保存的炉次。",
    "Reload": "重新载入",
    "Show the heat as it is saved now; what you typed and did not save is dropped":
        "显示当前已保存的炉次；您输入但未保存的内容将被放弃",
}
