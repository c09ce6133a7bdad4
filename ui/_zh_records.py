"""Chinese for records you can trust: people, signing in, sign-off, voiding, the automatic backup."""

ZH = {
    # heat view: voiding
    "Pick an ingot first.": "请先选择一支钢锭。",
    "Void heat {heat_no}, its analysis and its ingots.": "作废炉次 {heat_no}，连同其成分分析和钢锭。",
    "Heat {heat_no} was voided; its history is kept.": "炉次 {heat_no} 已作废；其历史记录保留。",
    "Void ingot {ingot_no} of heat {heat_no}.": "作废炉次 {heat_no} 的第 {ingot_no} 支钢锭。",
    # main window
    "Sign i&n…": "登录(&N)…",
    "Sign &out": "退出登录(&O)",
    "P&eople…": "人员(&E)…",
    "&Void heat…": "作废炉次(&V)…",
    "Void in&got…": "作废钢锭(&G)…",
    "Signed out: sign in again to record or sign.": "已退出登录：要记录或签字，请重新登录。",
    "Not signed in (File ▸ Sign in…)": "未登录（文件 ▸ 登录…）",
    "Signed in: {who}": "已登录：{who}",
    "Backed up to {path}": "已备份到 {path}",
    "Today's backup is already in {folder}": "今天的备份已在 {folder} 中",
    "The automatic backup failed: {why}": "自动备份失败：{why}",
    # records: PINs, sign-off status
    "The two PINs differ: type the same PIN twice.": "两次输入的 PIN 不一致：请两次输入相同的 PIN。",
    "signed by {name} ({role}) at {time}: {meaning}": "由 {name}（{role}）于 {time} 签字：{meaning}",
    "{status} (was {signed})": "{status}（原为{signed}）",
    "A PIN has at least {n} characters (letters, digits, signs); it is asked again whenever you sign.":
        "PIN 至少 {n} 个字符（字母、数字、符号）；每次签字时都需再次输入。",
    # the first administrator
    "A new database: who administers it?": "新数据库：由谁管理？",
    "The administrator adds the inspectors and workshop heads and resets their PINs. Everyone signs in "
    "with a name and a PIN; inspectors close shifts, workshop heads sign days.":
        "管理员添加检验员和车间主任并重置其 PIN。每个人用姓名和 PIN 登录；检验员关闭班次，车间主任签署当日。",
    "&Name:": "姓名(&N)：",
    "&PIN:": "PIN(&P)：",
    "PIN &again:": "再次输入 PIN(&A)：",
    "&Create the administrator": "创建管理员(&C)",
    "Creating the administrator…": "正在创建管理员…",
    "Type the administrator's name.": "请输入管理员的姓名。",
    # signing in
    "Sign in — {path}": "登录 — {path}",
    "This database has people and roles: sign in to work.": "此数据库设有人员和角色：请登录后工作。",
    "&Sign in": "登录(&S)",
    "Checking the PIN…": "正在核对 PIN…",
    "Type your name and your PIN.": "请输入您的姓名和 PIN。",
    "Not signed in: {why}.": "未登录：{why}。",
    # signing a shift or a day
    "Signed by:": "签字人：",
    "Your &PIN:": "您的 PIN(&P)：",
    "&Sign": "签字(&S)",
    "Type your PIN: signing asks for it again.": "请输入您的 PIN：签字需要再次输入。",
    "Not signed: {why}.": "未签字：{why}。",
    "Sign-off": "签字确认",
    "&Close shift…": "关闭班次(&C)…",
    "An inspector signs the shift's records as closed (PIN again)":
        "检验员签字确认本班记录已关闭（需再次输入 PIN）",
    "Sign the d&ay…": "签署当日(&A)…",
    "A workshop head approves the day's records (PIN again)": "车间主任批准当日记录（需再次输入 PIN）",
    "Close shift": "关闭班次",
    "Sign the day": "签署当日",
    "Shift:": "班次：",
    "Day:": "当日：",
    "Close the shift {shift} of {day}: you sign its heats, analyses and ingots as they are now. A later "
    "change needs a reason and a new signature.":
        "关闭 {day} 的 {shift}：您按当前状态签署其炉次、成分分析和钢锭。之后的更改需要说明原因并重新签字。",
    "Approve {day}: you sign every heat, analysis and ingot of the production day as they are now. Every "
    "shift with heats must be closed first.":
        "批准 {day}：您按当前状态签署该生产日的每个炉次、成分分析和钢锭。有炉次的每个班次须先关闭。",
    # voiding
    "Void": "作废",
    "&Void": "作废(&V)",
    "&Reason (goes into the heat's history):": "原因（记入该炉次的历史）(&R)：",
    "A voided record leaves every list, rate and report; it stays in the database and its history.":
        "作废的记录不再出现在任何列表、比率和报表中；它仍保留在数据库及其历史中。",
    "Not voided: {why}.": "未作废：{why}。",
    # people
    "People": "人员",
    "Role": "角色",
    "Active": "在用",
    "Locked out until": "锁定至",
    "yes": "是",
    "no": "否",
    "&Role:": "角色(&R)：",
    "PIN a&gain:": "再次输入 PIN(&G)：",
    "why (for the history)": "原因（记入历史）",
    "&Deactivate the selected person": "停用所选人员(&D)",
    "Reset the selected person's P&IN": "重置所选人员的 PIN(&I)",
    "Reason:": "原因：",
    "New PIN:": "新 PIN：",
    "New PIN again:": "再次输入新 PIN：",
    "Working…": "正在处理…",
    "<b>A new person</b>": "<b>新增人员</b>",
    "<b>The selected person</b>": "<b>所选人员</b>",
    "Type the new person's name.": "请输入新人员的姓名。",
    "Select a person in the list first.": "请先在列表中选择一个人员。",
    "{name} added as {role}.": "已添加 {name}，角色为{role}。",
    "{name} is deactivated: their records and signatures stay theirs.":
        "{name} 已停用：其记录和签字仍归其所有。",
    "{name} has a new PIN (and is no longer locked out).": "{name} 已有新 PIN（且不再被锁定）。",
    "Say why {name} is deactivated.": "请说明停用 {name} 的原因。",
    # ux-first: the menus' letters apart from the menu bar's and the tabs'
    "Import in&gots…": "导入钢锭(&G)…",
    "Peop&le…": "人员(&L)…",
    "Preferen&ces…": "首选项(&C)…",
    "Qu&it": "退出(&X)",
    "S&ave": "保存(&A)",
    "Void heat…": "作废炉次…",
    "S&ave PDF…": "保存 PDF(&A)…",
    "Pri&nt…": "打印(&N)…",
    "Period qua&lity report (PDF)…": "期间质量报告 PDF(&L)…",
    # ux-first: large text (preferences)
    "Lar&ge text: the whole window's text, rows and charts about a third larger":
        "大字体(&G)：整个窗口的文字、行高和图表放大约三分之一",
    "For a screen read from a distance (at the converter). Kept for this workstation. Applies at the next "
    "start.": "适用于需要远距离阅读的屏幕（在转炉旁）。仅保存在本工作站。下次启动时生效。",
    # ux-first: after the demo is loaded
    "The demo workshop is in February 1959 ({first} to {last}): shown is its last production day, {last}. "
    "Ctrl+T goes to the current shift.":
        "演示车间的数据在 1959 年 2 月（{first} 至 {last}）：这里显示的是其最后一个生产日 {last}。"
        "按 Ctrl+T 回到当前班次。",
}
