"""Chinese for the lab's samples on the desktop (issue 16, samples-ui): the heat view's sample list,
a preliminary or product sample entered, the ingot grid's product analysis and re-grade, the import
of analyses."""

ZH = {
    # the heat view: the analysis of record and the samples
    "Heat analysis of record": "熔炼分析（记录值）",
    "The ladle sample at tapping: what is saved here is the heat's analysis of record.":
        "出钢时的钢包试样：此处保存的即本炉次的熔炼分析记录值。",
    "Heat sample {sample} · taken {taken} · entered by {who}.":
        "熔炼试样 {sample} · 取样 {taken} · 录入 {who}。",
    "Heat sample typed in · taken {taken} · entered by {who}.":
        "熔炼试样（手工录入）· 取样 {taken} · 录入 {who}。",
    "A change to saved values is a correction and asks for a reason.":
        "修改已保存的数值属于更正，须注明原因。",
    "Samples from the lab": "化验室试样",
    "Add prelimi&nary sample…": "添加炉前分析试样(&N)…",
    "A sample of the bath during the blow: shown and kept, never judged":
        "吹炼过程中的熔池试样：显示并保存，不作判定",
    "Void samp&le…": "作废试样(&L)…",
    "Void the selected preliminary or product sample, with a reason; the heat analysis of record is "
    "corrected, not voided": "作废所选的炉前或成品分析试样（须注明原因）；熔炼分析记录值只能更正，不能作废",
    "Kind": "类别",
    "Sample": "试样号",
    "Taken at": "取样时间",
    "Entered by": "录入人",
    "Verdict": "判定",
    "not judged (process control)": "不判定（过程控制）",
    "heat analysis of record: {status}": "熔炼分析记录值：{status}",
    "{status}: {elements}": "{status}：{elements}",
    "A preliminary sample is taken from the bath during the blow: process control only, never judged.":
        "炉前分析试样取自吹炼过程中的熔池：仅用于过程控制，不作判定。",
    "No product analysis yet: a product sample is entered from the ingot grid.":
        "尚无成品分析：成品分析试样在钢锭表中录入。",
    "Grade {grade} has no edition in force on the tap date: the product analyses are not checked.":
        "钢种 {grade} 在出钢日期没有有效的标准版本：成品分析未检验。",
    "Product analyses judged against {grade}, {standard} with no tolerance: the heat has no heat analysis "
    "of record.": "成品分析按 {grade}（{standard}）判定，不加允许偏差：本炉次没有熔炼分析记录值。",
    "Product analyses judged against {grade}, {standard} with no tolerance: no tolerance table in force on "
    "the tap date.": "成品分析按 {grade}（{standard}）判定，不加允许偏差：出钢日期没有有效的允许偏差表。",
    "Product analyses judged against {grade}, {standard}, widened by the tolerances of {table}.":
        "成品分析按 {grade}（{standard}）判定，界限按 {table} 的允许偏差放宽。",
    "✓ inside, ✗ outside the allowed range shown.": "✓ 在所示允许范围内，✗ 超出。",
    "no tolerance: the heat has no heat analysis of record": "无允许偏差：本炉次没有熔炼分析记录值",
    "no tolerance": "无允许偏差",
    "no tolerance: not in {table}": "无允许偏差：{table} 中没有该元素",
    "tolerance {deviation} ({table})": "允许偏差 {deviation}（{table}）",
    "fails by the one-side rule: this heat's product analyses of {element} lie outside its limits on both "
    "sides": "按单向偏差规则不合格：本炉次 {element} 的成品分析在界限两侧都有超出",
    "{element} {value} %: limits {limits}, {tolerance}; allowed {range}: {verdict}":
        "{element} {value} %：界限 {limits}，{tolerance}；允许范围 {range}：{verdict}",
    # entering a sample
    "Product sample of ingot {n} of heat {heat_no}": "炉次 {heat_no} 第 {n} 支钢锭的成品分析试样",
    "Preliminary sample of heat {heat_no}": "炉次 {heat_no} 的炉前分析试样",
    "Taken from the bath during the blow (up to 2 hours before the tap): process control only, shown and "
    "kept, never judged.":
        "吹炼过程中取自熔池（最早可在出钢前 2 小时）：仅用于过程控制，显示并保存，不作判定。",
    "Drillings of the ingot; judged as typed, with the heat's other product samples.":
        "钢锭钻屑试样；输入时即与本炉次其他成品分析一并判定。",
    "Lab's sample &number:": "化验室试样号(&N)：",
    "&Taken at:": "取样时间(&T)：",
    "Allowed, %": "允许范围, %",
    "e.g. Cr; Enter adds it": "如 Cr；回车添加",
    "An&other element:": "其他元素(&O)：",
    "outside: one side only": "超出：单向偏差规则",
    "Product analysis: {status}": "成品分析：{status}",
    "sample {sample} added": "新增试样 {sample}",
    "Pick a sample first.": "请先选择一个试样。",
    "The heat analysis of record is corrected, not voided: type the right values in the heat analysis "
    "and give a reason.": "熔炼分析记录值只能更正，不能作废：请在熔炼分析中输入正确数值并注明原因。",
    "Void sample {sample} of heat {heat_no}.": "作废炉次 {heat_no} 的试样 {sample}。",
    # the ingot grid: product analysis, re-grading
    "Product sa&mple…": "成品分析试样(&M)…",
    "Enter the lab's product analysis of the ingot under the cursor (L in the grid)":
        "录入光标所在钢锭的化验室成品分析（在钢锭表中按 L）",
    "Keys: A accepted · C conditioned · R regraded · S scrap · P pending · D defects · G grade released "
    "as · L product sample · digits type the weight · Ctrl+Z takes back your last change":
        "按键：A 合格 · C 精整后合格 · R 改判 · S 废品 · P 待判 · D 缺陷 · G 改判钢种 · L 成品分析试样 · "
        "数字键输入重量 · Ctrl+Z 撤回你的上一次更改",
    "Ingot(s) {numbers} fail their product analysis: not qualified, whatever their surface.":
        "钢锭 {numbers} 成品分析不合格：无论外观如何，均不计为合格。",
    "Re-graded ingot(s) {numbers} name no grade yet: G chooses one the heat satisfies ({grades}).":
        "改判钢锭 {numbers} 尚未指定钢种：按 G 从本炉次满足的钢种中选择（{grades}）。",
    "Re-graded ingot(s) {numbers}: the heat's analysis satisfies no other grade to name.":
        "改判钢锭 {numbers}：本炉次熔炼分析不满足任何其他钢种，无可指定。",
    "Ingot {n} is not re-graded: only a re-graded ingot is released as another grade.":
        "钢锭 {n} 未改判：只有改判钢锭才能按其他钢种放行。",
    "Released as": "改判为",
    "choose (G)": "待选（G）",
    "no grade satisfied": "无满足的钢种",
    "(none named)": "（未指定）",
    "not qualified: product analysis fails": "不合格：成品分析不合格",
    "Its product analysis fails ({why}): the ingot is not qualified, whatever its surface and its heat's "
    "analysis.": "其成品分析不合格（{why}）：无论外观及熔炼分析如何，该钢锭不计为合格。",
    "see the samples": "见试样列表",
    "sample {sample}: {elements}": "试样 {sample}：{elements}",
    "The heat's analysis satisfies no grade but its aim grade {grade}: no grade can be named.":
        "本炉次熔炼分析除目标钢种 {grade} 外不满足任何钢种：无可指定。",
    "The grade it is released as, of those heat {heat}'s analysis satisfies: {grades} (G chooses)":
        "放行钢种，从炉次 {heat} 熔炼分析满足的钢种中选择：{grades}（按 G 选择）",
    "no other grade": "无其他钢种",
    "{grade} cannot be chosen: heat {heat}'s analysis satisfies {grades}":
        "不能选择 {grade}：炉次 {heat} 的熔炼分析满足的是 {grades}",
    # the history's words for samples
    "released as": "改判为",
    "kind": "类别",
    "sample": "试样",
    "ingot": "钢锭",
    "taken at": "取样时间",
    "entered by": "录入人",
    "values": "数值",
    "sample {sample}": "试样 {sample}",
    # the File menu's import of analyses
    "Import &analyses…": "导入化验结果(&A)…",
    "Import analyses": "导入化验结果",
    "only to replace heat analyses already there": "仅在替换已有熔炼分析时填写",
    "&Reason for heat-sample corrections:": "熔炼试样更正原因(&R)：",
    "A heat sample in the file replaces a heat's analysis of other values only with a reason (a correction, "
    "kept in the heat's history); without one such a line is refused, and nothing is imported.":
        "文件中的熔炼试样只有在注明原因时才能替换数值不同的已有熔炼分析（作为更正记入炉次历史）；"
        "未注明原因时该行被拒绝，整个文件不导入。",
    "{n} sample(s) imported.": "已导入 {n} 个试样。",
    # the shift view's figures
    "Ingots failing product analysis": "成品分析不合格钢锭",
}
