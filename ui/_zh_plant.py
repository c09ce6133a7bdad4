"""Chinese for the plant's quality office at a desk: a read-only desk, the Plant tab (plantdesk)."""

ZH = {
    # a desk whose role writes nothing (ui.read_only)
    "qcdesk — {path} — read only": "qcdesk 质检台 — {path} — 只读",
    "Read only": "只读",
    "Read only: this desk's role reads the workshop's records and changes none (the plant's quality "
    "office signs nothing).":
        "只读：本工作站的角色只能查阅车间的记录，不能更改（全厂质量管理处不签署任何记录）。",
    # the Plant tab (ui.plant_view)
    "Plant": "全厂",
    "Refres&h": "刷新(&H)",
    "Read every workshop's figures again (a save of this desk's workshop is shown by itself; another "
    "workshop's when asked)": "重新读取各车间的数据（本工作站所在车间的保存会自动显示；其他车间的需刷新）",
    "Ingot qualified rate (by weight), per workshop and the plant": "钢锭合格率（按重量），各车间与全厂",
    "Workshop": "车间",
    "Ingot qualified (weight)": "钢锭合格率（重量）",
    "Ingot qualified (count)": "钢锭合格率（支数）",
    "Surface qualified": "外观合格率",
    "Days not signed": "未签署天数",
    "Ingot qualified rate by grade (by weight)": "各钢种钢锭合格率（按重量）",
    "Defects of every workshop (by ingots)": "各车间缺陷（按钢锭数）",
    "Production days with heats that the workshop head has not signed": "有炉次但车间主任尚未签署的生产日",
    "Reading every workshop's figures of {period}…": "正在读取各车间 {period} 的数据…",
    " — draft: days not signed yet": " — 草稿：尚有未签署的生产日",
    "{period}: {n} workshops, {heats} heats, plant's ingot qualified rate {rate} (by weight)":
        "{period}：{n} 个车间，{heats} 炉，全厂钢锭合格率 {rate}（按重量）",
    "Not shown: workshops this role may not read: {codes}": "未显示：本角色无权查阅的车间：{codes}",
    "The workshops' sums added, then divided": "各车间的分子与分母分别相加后再相除",
    # File ▸ Workshop…: the desk reopened on another workshop of its server
    "&Workshop…": "车间(&W)…",
    "Work in the workshop (the desk opens again on it):": "在以下车间工作（工作站将在该车间重新打开）：",
}
