"""Chinese for Set-up → Plans."""

ZH = {
    "Pr&oduction plans": "生产计划(&O)",
    "Period": "期间",
    "Steel (t)": "钢产量（吨）",
    "Target ingot qualified rate": "目标钢锭合格率",
    "Target rate (%)": "目标合格率（%）",
    "A plan is for a month (YYYY-MM) or a quarter (YYYY-Qn): the tonnes of steel to tap, the target "
    "ingot qualified rate by weight, or both. The trends measure output against the quarter's plan.":
        "计划按月（YYYY-MM）或按季度（YYYY-Qn）制定：出钢吨数、按重量计的目标钢锭合格率，或两者。"
        "质量趋势以季度计划衡量产量。",
    "e.g. 2026-11 or 2026-Q4": "如 2026-11 或 2026-Q4",
    "e.g. 96.5": "如 96.5",
    "Set pl&an": "设定计划(&A)",
    "Re&move plan…": "删除计划(&M)…",
    "Plan of {period} saved.": "{period} 的计划已保存。",
    "Plan of {period} removed.": "{period} 的计划已删除。",
}
