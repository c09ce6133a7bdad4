"""中文: the Chinese catalogue of the core's messages (English message → 中文)."""

ZH: dict[str, str] = {
    # statuses, dispositions, actions, keys (translated from their values)
    "conforms": "合格", "fails": "不合格", "not_checked": "未检验",
    "accepted": "合格", "conditioned": "精整后合格", "regraded": "改判", "scrap": "废品",
    "pending": "待判",
    "insert": "新增", "update": "修改", "delete": "删除",
    "heats": "炉次", "ingots": "钢锭", "date": "日期", "month": "月份", "year": "年份",
    "shift": "班次", "converter": "转炉", "grade": "钢种",
    "weight_kg": "重量", "disposition": "判定", "inspector": "检验员",
    "weight": "重量", "count": "件数",
    # tables
    "output t": "产量 t", "judged": "已判", "qualified": "合格", "awaiting chem.": "待成分",
    "ingot rate ({basis})": "钢锭合格率（{basis}）", "surface rate ({basis})": "外观合格率（{basis}）",
    "chem. (heats)": "成分合格率（炉数）", "chem. (weight)": "成分合格率（重量）",
    "judged: judged ingots of checked heats; awaiting chem.: judged ingots of heats not yet checked.":
        "已判：已检验炉次的已判钢锭；待成分：尚未检验成分的炉次的已判钢锭。",
    "— : undefined (nothing to divide by).": "—：无定义（分母为零）。",
    "ok": "合格", "FAILS": "不合格", "missing": "缺项",
    "Heat {heat_no}, grade {grade}, {standard}: {status}": "炉号 {heat_no}，钢种 {grade}，{standard}：{status}",
    "element": "元素", "value %": "含量 %", "min %": "下限 %", "max %": "上限 %", "verdict": "判定",
    "No heats on production dates {frm} to {to}.": "生产日期 {frm} 至 {to} 没有炉次。",
    "Production dates {frm} to {to}.": "生产日期 {frm} 至 {to}。",
    "no standard in force": "无现行标准",
    "total": "合计", "heat": "炉号", "conv.": "转炉", "tapped at": "出钢时间", "t": "t", "°C": "°C",
    "chemistry": "成分", "{n} heat(s)": "共 {n} 炉", "standard": "标准", "in force from": "实施日期",
    "limits, mass %": "成分限值（质量分数 %）",
    "when": "时间", "who": "操作人", "what": "操作", "record": "记录", "field": "字段", "old": "原值",
    "new": "新值", "reason": "原因",
    # command line
    "Quality-inspection desk of the converter workshop.": "转炉车间质量检验台。",
    "database file (default: QCDESK_DB, else the user data folder)":
        "数据库文件（默认：QCDESK_DB，否则为用户数据目录）",
    "who is working (default: QCDESK_USER, else the login name)": "操作人（默认：QCDESK_USER，否则为登录名）",
    "language of messages and tables": "信息和表格的语言",
    "qualified rates over a date range": "某一日期范围的合格率",
    "which basis leads in the table (both are always computed)": "表格以哪种口径为主（两种口径都会计算）",
    "machine-readable output": "机器可读的输出",
    "a heat's chemistry against its standard": "按标准判定一炉的成分",
    "the heats of a date range": "某一日期范围的炉次",
    "grades, standard editions and their limits": "钢种、标准版本及其限值",
    "the audit log of a heat (or of everything)": "一炉（或全部）的审计记录",
    "fill an empty database with February 1959 of a demo workshop": "向空数据库装入演示车间 1959 年 2 月的数据",
    "import heats or ingots from a CSV file (all or nothing)": "从 CSV 文件导入炉次或钢锭（全部导入或全不导入）",
    "the file's encoding (default: UTF-8 or GB18030, detected)": "文件编码（默认自动识别 UTF-8 或 GB18030）",
    "export heats or ingots to a CSV file in the import format": "按导入格式把炉次或钢锭导出为 CSV 文件",
    "where the database is and what it holds": "数据库的位置和内容",
    "group by a comma-separated combination of: {keys}": "按以下各项（逗号分隔）分组：{keys}",
    "--to {to} is before --from {frm}": "--to {to} 早于 --from {frm}",
    "Demo workshop loaded: {heats} heats and {ingots} ingots, {first} to {last}.":
        "已装入演示车间：{heats} 炉，{ingots} 支钢锭，{first} 至 {last}。",
    "{n} {kind} imported from {file}.": "已从 {file} 导入 {n} 条{kind}。",
    "{n} {kind} written to {file}.": "已向 {file} 写出 {n} 条{kind}。",
    "database: {path}": "数据库：{path}", "schema version: {v}": "结构版本：{v}", "user: {user}": "用户：{user}",
    "production dates: {first} to {last}": "生产日期：{first} 至 {last}",
    "qcdesk: interrupted; nothing half-done was saved.": "qcdesk：已中断；未保存任何未完成的内容。",
    "{text!r} is not a date that exists (write YYYY-MM-DD)": "{text!r} 不是存在的日期（格式 YYYY-MM-DD）",
    "saving {done}/{total} rows ({pct:.0f}%)": "正在保存 {done}/{total} 行（{pct:.0f}%）",
    "qcdesk: {error}": "qcdesk：{error}",
    "qcdesk: internal error ({kind}: {error}). Nothing half-done was saved. Details: {path}":
        "qcdesk：内部错误（{kind}：{error}）。未保存任何未完成的内容。详情：{path}",
    # files
    "unknown column: neither a heat field nor a chemical element symbol": "未知列：既不是炉次字段，也不是化学元素符号",
    "unknown column; the columns are: {all}": "未知列；应有的列为：{all}",
    "must not be empty": "不能为空",
    "{path} is neither UTF-8 nor GB18030; say which with --encoding":
        "{path} 既不是 UTF-8 也不是 GB18030；请用 --encoding 指定编码",
    "the file is empty; the first line must name the columns": "文件为空；第一行应为列名",
    "this column is named twice": "此列名重复",
    "write the element symbol as {symbol!r}": "元素符号应写作 {symbol!r}",
    "the column {name!r} is missing; the first line must name: {all}": "缺少列 {name!r}；第一行应包含：{all}",
    "is longer than {n} characters": "超过 {n} 个字符",
    "{text!r} is not a time written YYYY-MM-DD HH:MM": "{text!r} 不是 YYYY-MM-DD HH:MM 格式的时间",
    "{text!r} is not an ingot number (a whole number from 1 to 9999)": "{text!r} 不是锭号（1 至 9999 的整数）",
    "{text!r} is not a disposition; use one of: {known}": "{text!r} 不是判定结果；应为以下之一：{known}",
    "{path} cannot be read: {error}": "无法读取 {path}：{error}",
    "the header cannot be read: {error}": "无法读取表头：{error}",
    "the file cannot be read from here on: {error}": "从此处起无法读取文件：{error}",
    "{text!r} is not a date and time that exists": "{text!r} 不是存在的日期时间",
    "{code!r} is not in the defect catalogue": "{code!r} 不在缺陷目录中",
    "{defect} is listed twice": "{defect} 重复列出",
    "there is no converter {code!r}; known: {known}": "没有转炉 {code!r}；现有：{known}",
    "there is no grade {grade!r}": "没有钢种 {grade!r}",
    "there is no heat {heat_no!r}": "没有炉号 {heat_no!r}",
    "unknown encoding {name!r}": "未知编码 {name!r}",
    "{path} is not valid {name} (byte {pos})": "{path} 不是有效的 {name}（第 {pos} 字节）",
    "{found} cells where the header names {expected}": "有 {found} 格，表头为 {expected} 列",
    "heat {heat_no} is already in the database": "炉号 {heat_no} 已在数据库中",
    "converter {code} is out of service": "{code} 号转炉已停用",
    "heat {heat_no} already has ingot {n}": "炉号 {heat_no} 已有 {n} 号锭",
    "{path} cannot be written: {error}": "无法写入 {path}：{error}",
    "{where!r} is not a location; use @top, @middle or @bottom": "{where!r} 不是部位；应为 @top、@middle 或 @bottom",
    "heat {heat_no} is also on line {line}": "炉号 {heat_no} 在第 {line} 行也出现",
    "ingot {n} of heat {heat_no} is also on line {line}": "炉号 {heat_no} 的 {n} 号锭在第 {line} 行也出现",
    "line {line}, column {column} ({name}): {problem}": "第 {line} 行，第 {column} 列（{name}）：{problem}",
    "{path}: nothing imported, {n} problem(s) found": "{path}：未导入任何数据，发现 {n} 处问题",
    "{field}: {problem}": "{field}：{problem}",
    "line {line}: {problem}": "第 {line} 行：{problem}",
    # numbers
    "mass %": "质量分数 %",
    "a number is needed here": "此处需要数字",
    "{text!r}: use a point as the decimal separator, as in 0.20": "{text!r}：小数点请用“.”，如 0.20",
    "{text!r} is not a plain decimal number such as 0.20 or 1540": "{text!r} 不是普通的十进制数，如 0.20 或 1540",
    "must be {op} {low} and ≤ {high} {unit}": "应 {op} {low} 且 ≤ {high} {unit}",
    "{text!r} is too long to be a number": "{text!r} 太长，不是数字",
    "{value} {unit} is out of range: {rule}": "{value} {unit} 超出范围：{rule}",
    # formulas
    "weight of qualified ingots ÷ weight of judged ingots of checked heats":
        "合格钢锭重量 ÷ 已检验炉次已判钢锭重量",
    "qualified ingots ÷ judged ingots of checked heats": "合格钢锭支数 ÷ 已检验炉次已判钢锭支数",
    "weight of accepted and conditioned ingots ÷ weight of judged ingots":
        "合格及精整后合格钢锭重量 ÷ 已判钢锭重量",
    "accepted and conditioned ingots ÷ judged ingots": "合格及精整后合格钢锭支数 ÷ 已判钢锭支数",
    "conforming heats ÷ checked heats": "成分合格炉数 ÷ 已检验炉数",
    "tapped weight of conforming heats ÷ tapped weight of checked heats": "成分合格炉出钢量 ÷ 已检验炉出钢量",
    "a grouping is named twice": "分组项重复",
    "unknown grouping {key!r}; use {known}": "未知分组 {key!r}；可用：{known}",
    # shifts
    "shift schedule": "班次安排",
    "at least one shift is needed": "至少需要一个班次",
    "the first shift must start between 12:00 the day before and 11:59": "第一个班次应在前一天 12:00 至当天 11:59 之间开始",
    "the shifts must fit in 24 hours": "各班次须在 24 小时之内",
    "shift codes must be different": "班次代码不能重复",
    "{clock} (day before)": "{clock}（前一天）",
    "shift {code} must start after shift {prev}": "{code} 班应在 {prev} 班之后开始",
    # store
    "ingot weight": "锭重", "user": "用户", "converter code": "转炉代码", "ingot number": "锭号",
    "must be a whole number from 1 to 9999": "应为 1 至 9999 的整数",
    "nominal heat size": "公称炉容量", "converter name": "转炉名称", "category": "类别",
    "heat number": "炉号", "tapped weight": "出钢量", "tap temperature": "出钢温度", "defects": "缺陷",
    "edition": "版本", "defect code": "缺陷代码", "English name": "英文名称", "Chinese name": "中文名称",
    "Converter {code}": "{code} 号转炉",
    "the database is busy: another workstation is saving. Nothing was changed; try again in a moment.":
        "数据库正忙：另一台工作站正在保存。未作任何更改；请稍后再试。",
    "the disk is full: nothing was saved. Free some space and try again.": "磁盘已满：未保存任何内容。请腾出空间后重试。",
    "the database file is read-only: nothing was saved.": "数据库文件只读：未保存任何内容。",
    "the database refused the change: {error}": "数据库拒绝了此更改：{error}",
    "the database file is damaged ({error}); restore a backup.": "数据库文件已损坏（{error}）；请恢复备份。",
    "the database file cannot be opened ({error}).": "无法打开数据库文件（{error}）。",
    "is limited twice": "限值重复",
    "a limit needs a minimum, a maximum or both": "限值需要下限、上限或两者",
    "the minimum is above the maximum": "下限高于上限",
    "there is no converter {code!r}": "没有转炉 {code!r}",
    "heat {heat_no} has no ingot {n}": "炉号 {heat_no} 没有 {n} 号锭",
    "{path} is a folder, not a database file": "{path} 是文件夹，不是数据库文件",
    "{path} is not a qcdesk database; it was left untouched.": "{path} 不是 qcdesk 数据库；未作改动。",
    "{path} was written by a newer qcdesk (schema {found}; this program knows up to {known}). "
    "It was left untouched: open it with a newer qcdesk.":
        "{path} 由较新版本的 qcdesk 写入（结构版本 {found}；本程序最高支持 {known}）。未作改动：请用新版 qcdesk 打开。",
    "{path} is a SQLite database of another program; it was left untouched.": "{path} 是其他程序的 SQLite 数据库；未作改动。",
    "must be one of {known}": "应为以下之一：{known}",
    "heat {heat_no} has analysis or judged ingots: say why it is removed": "炉号 {heat_no} 已有成分或已判钢锭：请说明删除原因",
    "{elements} of heat {heat_no} already entered: say why the value is changed":
        "炉号 {heat_no} 的 {elements} 已录入：请说明修改原因",
    "ingot {n} of heat {heat_no} is already judged: say why its {fields} changes":
        "炉号 {heat_no} 的 {n} 号锭已判定：请说明修改{fields}的原因",
    "ingot {n} of heat {heat_no} is already judged: say why it is removed": "炉号 {heat_no} 的 {n} 号锭已判定：请说明删除原因",
    "{to} is before {frm}": "{to} 早于 {frm}",
    "{symbol!r} is not a chemical element symbol": "{symbol!r} 不是化学元素符号",
    "converter {code!r} already exists": "转炉 {code!r} 已存在",
    "grade {code!r} already exists": "钢种 {code!r} 已存在",
    "{grade} already has an edition in force from {day}": "{grade} 已有自 {day} 起实施的版本",
    "defect {code!r} already exists": "缺陷 {code!r} 已存在",
    "the change breaks a rule of the data: {error}": "此更改违反数据规则：{error}",
    "shift {code!r} has heats and cannot be removed": "{code!r} 班已有炉次，不能删除",
    "heat {heat_no} already exists": "炉号 {heat_no} 已存在",
    # demo
    "Demo standard (GB/T 700-2006 limits)": "演示标准（采用 GB/T 700-2006 限值）",
    "first sample spoiled; the lab is repeating the analysis": "第一个试样作废，化验室正在重新分析",
    "The demo's 1959 chemistry limits are a stand-in copied from GB/T 700-2006, not the standard of the time.": "演示数据中 1959 年的成分限值是照搬 GB/T 700-2006 的替代值，并非当时的标准。",
    "{element} {value}% above the {grade} maximum {limit}%: ingots regraded": "{element} {value}% 超过 {grade} 上限 {limit}%：钢锭改判",
    "Demo loaded: {first} to {last}, converters {converters}.": "演示数据已载入：{first} 至 {last}，转炉 {converters}。",
    "{heats} heats ({failing} off-grade, {open} awaiting analysis), {ingots} ingots ({pending} pending).": "{heats} 炉（成分不合格 {failing} 炉，待化验 {open} 炉），钢锭 {ingots} 支（待判 {pending} 支）。",
    "On {day} converter {converter} made {n} heats; the ingot qualified rate was {rate} by weight ({count} by count).": "{day}，{converter} 号转炉炼钢 {n} 炉；当日钢锭合格率按重量为 {rate}（按支数为 {count}）。",
    "this database already holds {n} heat(s): the demo fills only a database without heats. Nothing was changed; open a new database file for the demo.": "该数据库已有 {n} 炉数据：演示数据只能载入没有炉次的数据库。未做任何更改；请为演示新建一个数据库文件。",
    "{grade} already has an edition in force from {day} ({title}) with other limits; the demo needs its own. Nothing was changed.": "{grade} 已有自 {day} 起实施的版本（{title}），限值不同；演示需要自己的版本。未做任何更改。",
    "heat {n} of the day on converter {code}: a workshop record": "{code} 号转炉当日第 {n} 炉：创车间纪录",
    "limits": "限值",
    "an edition must limit at least one element": "一个版本至少要限定一种元素",
    "heat {heat_no} has analysis or judged ingots: say why its record is corrected": "炉号 {heat_no} 已有成分或已判钢锭：请说明更正原因",
    "{moment} is before 1900: a typing mistake?": "{moment} 早于 1900 年：是否输错？",
    "control limits are finite numbers": "控制限必须是有限的数值",
    "{day} is outside the years 1900 to 9998: a typing mistake?": "{day} 不在 1900 至 9998 年之间：是否输错？",
    "{moment} is in the future": "{moment} 是将来的时间",
    "tap time": "出钢时间",
    "there is no database at {path}": "{path} 处没有数据库",
    "the database cannot be created at {path}: {error}": "无法在 {path} 创建数据库：{error}",
    "shift code": "班次代码",
    "the basis is weight or count": "口径应为 weight（重量）或 count（件数）",
    "use capital letters, digits, '-' or '_' only": "只能使用大写字母、数字、“-”或“_”",
    "(weight)": "（重量）", "(count)": "（支数）", "(heats)": "（炉数）",
    "judged: judged ingots of checked heats; awaiting: judged ingots of heats whose chemistry is not checked yet (left out of the ingot rate).":
        "已判：已检验炉次的已判钢锭；待成分：成分尚未检验的炉次的已判钢锭（不计入钢锭合格率）。",
    "{n} heat(s) imported from {file}.": "已从 {file} 导入 {n} 炉。",
    "{n} ingot(s) imported from {file}.": "已从 {file} 导入 {n} 支钢锭。",
    "{n} heat(s) written to {file}.": "已向 {file} 写出 {n} 炉。",
    "{n} ingot(s) written to {file}.": "已向 {file} 写出 {n} 支钢锭。",
    "replace FILE if it exists": "FILE 已存在时覆盖",
    "ingot rate": "钢锭合格率", "surface rate": "外观合格率", "output": "产量", "awaiting": "待成分",
    "tapped": "出钢量", "judged/all": "已判/总数", "not checked": "未检验",
    "qcdesk: --db needs a file name": "qcdesk：--db 需要文件名",
    "there is no shift {code!r}; the shifts are: {known}": "没有班次 {code!r}；现有班次：{known}",
    "qcdesk: {what}: {error}": "qcdesk：{what}：{error}",
    # csvio: export targets, separators, control characters
    "the file seems to separate cells with {separator}; save it with commas": "文件似乎用 {separator} 分隔单元格；请改用逗号分隔后保存",
    "tabs": "制表符",
    "holds a control character ({code}); a cell must be plain text on one line": "含有控制字符（{code}）；单元格只能是一行纯文本",
    "{item!r} names no defect code": "{item!r} 没有写缺陷代码",
    "the end date {end} is before the start date {start}": "结束日期 {end} 早于开始日期 {start}",
    "{path} cannot be written: it is the open database or one of its journal files": "无法写入 {path}：它是正在使用的数据库或其日志文件",
    "{path} cannot be written: it is a folder; give a file name": "无法写入 {path}：它是文件夹；请给出文件名",
    "{path} cannot be written: it is not an ordinary file (a device or a pipe?)": "无法写入 {path}：它不是普通文件（设备或管道？）",
    "{path} exists; use --force to replace it": "{path} 已存在；要替换它请用 --force",
    "… and {n} more problems": "……另有 {n} 个问题",
    "holds a control character": "含有控制字符",
    "there is no defect {code!r}": "没有缺陷 {code!r}",
    "the database cannot be created at {path}: a part of the folder path is a file": "无法在 {path} 创建数据库：路径中有一段是文件而不是文件夹",
    "sort": "排序",
    "unknown column {name!r}": "未知的列 {name!r}",
    "limit": "条数",
    "must be a whole number from 1 to 10000": "须为 1 到 10000 的整数",
    "the page key does not fit the sort": "分页键与排序不符",
    "period": "期间",
    "{period!r} is neither a month (YYYY-MM) nor a quarter (YYYY-Qn)": "{period!r} 既不是月份（YYYY-MM）也不是季度（YYYY-Qn）",
    "plan": "计划",
    "give the tonnes of steel, the target rate or both": "请给出钢产量吨数、目标合格率或两者",
    "planned output": "计划产量",
    "target ingot qualified rate": "目标钢锭合格率",
    "the production plan of a month or quarter": "某月或某季度的生产计划",
    "set the plan of a month (YYYY-MM) or quarter (YYYY-Qn)": "设定某月（YYYY-MM）或某季度（YYYY-Qn）的计划",
    "tonnes of steel": "钢产量（吨）",
    "target ingot qualified rate, % by weight": "目标钢锭合格率，按重量 %",
    "every plan": "全部计划",
    "Plan {period} set.": "已设定 {period} 的计划。",
    "No plan is set.": "尚未设定计划。",
    "take the plan of a month or quarter away": "撤销某月或某季度的计划",
    "the workshop's name, printed on every sheet and report": "车间名称，印在每张检验单和报表上",
    "name the workshop": "设定车间名称",
    "the name in English": "英文名称",
    "the name in Chinese": "中文名称",
    "the name set, if any": "已设定的名称",
    "The workshop is named {name}.": "车间名称已设为 {name}。",
    "No workshop name is set: reports print \"Converter workshop\".": "尚未设定车间名称：报表印“转炉车间”。",
    "workshop name": "车间名称",
    "Chinese workshop name": "车间中文名称",
    "Plan {period} removed.": "已撤销 {period} 的计划。",
    "no plan is set for {period}": "{period} 未设定计划",
    "say why the plan of {period} is removed": "请说明撤销 {period} 计划的原因",
    # backups and restore (qcdesk/backup.py, backup and restore commands)
    "the database stayed busy: no backup was written. Try again in a moment.": "数据库一直繁忙：未写入备份。请稍后再试。",
    "the database is in use by another qcdesk (a window or a command on this or another workstation): close it and try again. Nothing was restored.": "数据库正被另一个 qcdesk 使用（本机或另一台工作站上的窗口或命令）：请关闭后再试。未恢复任何内容。",
    "there is no backup file at {path}": "{path} 处没有备份文件",
    "{path} is not a qcdesk database": "{path} 不是 qcdesk 数据库",
    "{path} cannot be written: it is the database or one of its journal files": "无法写入 {path}：它是数据库本身或其日志文件",
    "{path} cannot be written: it is not an ordinary file": "无法写入 {path}：它不是普通文件",
    "{path} is the database itself, not a backup of it": "{path} 是数据库本身，不是它的备份",
    "{path} is damaged: {problem}": "{path} 已损坏：{problem}",
    "{path} was written by a newer qcdesk (schema {found}; this program knows up to {known}). Restore it with a newer qcdesk.": "{path} 由较新版本的 qcdesk 写入（结构版本 {found}；本程序最高支持 {known}）。请用较新版本的 qcdesk 恢复。",
    "back up the database to FILE (safe while others work)": "将数据库备份到 FILE（他人工作时也安全）",
    "the backup file, or a folder to put it in": "备份文件，或存放备份的文件夹",
    "the day's automatic backup into FILE (a folder; default: 'backups' beside the database), old ones pruned": "当天的自动备份，存入 FILE（文件夹；默认：数据库旁的 'backups'），并清理旧备份",
    "replace the database by a backup (the old one is kept aside)": "用备份替换数据库（原数据库另行保留）",
    "do not ask for confirmation": "不要求确认",
    "name the backup file (or use --auto)": "请指定备份文件（或使用 --auto）",
    "yes": "是",
    "backup written to {path}: checked whole (schema {version}, {heats} heats, {ingots} ingots).": "备份已写入 {path}：已检查完整（结构版本 {version}，{heats} 炉，{ingots} 锭）。",
    "{path} is whole: schema {version}, {heats} heats, {ingots} ingots.": "{path} 完整：结构版本 {version}，{heats} 炉，{ingots} 锭。",
    "Replace the database {db} by this backup? The current database is kept beside it. Type yes to go on: ": "用此备份替换数据库 {db}？当前数据库会保留在旁边。输入 yes（或“是”）继续：",
    "nothing restored.": "未恢复任何内容。",
    "restored {db} from {path}.": "已从 {path} 恢复 {db}。",
    "the replaced database is kept as {path}.": "被替换的数据库保留为 {path}。",
    "automatic backup written to {path}.": "自动备份已写入 {path}。",
    "today's automatic backup is already in {folder}.": "今天的自动备份已在 {folder} 中。",
    "only an administrator may restore a backup over this database; nothing was restored": "只有管理员可以用备份覆盖此数据库；未恢复任何内容",
    # records you can trust: people, roles, sign-off, voiding, verify (people.py, signoff.py, verify.py, store, cli)
    "people who sign in, and their roles": "登录人员及其角色",
    "add a person (the first must be an administrator); the PIN is asked, or read from QCDESK_NEW_PIN": "添加人员（第一位必须是管理员）；PIN 码在提示时输入，或从 QCDESK_NEW_PIN 读取",
    "everyone who may sign in, or could": "所有可以（或曾可以）登录的人员",
    "take someone's right to sign in away": "取消某人的登录权限",
    "close a shift (inspector) or approve a day (workshop head)": "关闭班次（检验员）或批准一天（车间主任）",
    "close a shift: sign its heats, analyses and ingots": "关闭班次：签署其炉次、成分和钢锭",
    "approve a day whose shifts are closed": "批准各班次均已关闭的一天",
    "whether a day and its shifts are signed": "某天及其各班次是否已签署",
    "void a heat or an ingot entered by mistake (kept, with the reason)": "作废误录的炉次或钢锭（保留记录及原因）",
    "check the database file, the audit chain and every signature": "检查数据库文件、审计链和每个签名",
    "{meaning}: {signer} at {at}": "{meaning}：{signer}，{at}",
    "name the ingot: qcdesk void ingot HEAT_NO INGOT_NO --reason ...": "请指明钢锭：qcdesk void ingot 炉号 锭号 --reason ……",
    "active": "在用",
    "deactivated": "已停用",
    "No people yet: anyone may write. Add an administrator with 'qcdesk user add NAME --role admin'.": "尚无人员：任何人都可写入。请用“qcdesk user add 姓名 --role admin”添加管理员。",
    "the same PIN again: ": "再次输入相同的 PIN 码：",
    "the two PINs differ; nothing was changed": "两次输入的 PIN 码不同；未做任何更改",
    "give someone a new PIN, which also lifts a lock-out (an administrator; read like user add's)": "为某人设置新 PIN 码，同时解除锁定（由管理员操作；读取方式同 user add）",
    "{name} has a new PIN.": "{name} 已有新的 PIN 码。",
    "{name} added as {role}.": "已添加 {name}，角色：{role}。",
    "records hash {hash}; audit chain head {head}": "记录哈希 {hash}；审计链头 {head}",
    "{day}: {status}": "{day}：{status}",
    "ingot {n} of heat {heat_no} voided.": "炉次 {heat_no} 的第 {n} 支钢锭已作废。",
    "name": "姓名",
    "role": "角色",
    "status": "状态",
    "locked until": "锁定至",
    "{name} is deactivated.": "{name} 已停用。",
    "PIN for {name}: ": "{name} 的 PIN 码：",
    "(superseded {at}: {reason})": "（已于 {at} 失效：{reason}）",
    "heat {heat_no} voided.": "炉次 {heat_no} 已作废。",
    "workshop head": "车间主任",
    "administrator": "管理员",
    "enter or void heats, analyses and ingots": "录入或作废炉次、成分和钢锭",
    "close a shift": "关闭班次",
    "correct a signed record": "更正已签署的记录",
    "sign a day": "签署一天",
    "change set-up data": "修改基础数据",
    "manage people": "管理人员",
    "PIN": "PIN 码",
    "must have at least {n} characters": "至少需要 {n} 个字符",
    "shift closed by inspector": "检验员关闭班次",
    "day approved by workshop head": "车间主任批准当日",
    "unsigned (DRAFT)": "未签署（草稿）",
    "signed": "已签署",
    "changed since signed: to be signed again": "签署后已更改：需重新签署",
    "the name or the PIN is wrong": "姓名或 PIN 码错误",
    "shift {shift} of {day}": "{day} 的 {shift} 班",
    "this database has people and roles: sign in first": "此数据库设有人员和角色：请先登录",
    "signing needs people and roles: add an administrator, then sign in": "签署需要人员和角色：请先添加管理员，然后登录",
    "the day {day}": "{day} 当日",
    "you cannot deactivate yourself": "不能停用自己",
    "there is no person {name!r}": "没有人员 {name!r}",
    "the first person of a database must be an administrator": "数据库的第一位人员必须是管理员",
    "{name} is deactivated": "{name} 已停用",
    "as {role}, {name} may not {action}": "{name} 作为{role}无权{action}",
    "these records are signed ({day}): say why they are corrected": "这些记录已签署（{day}）：请说明更正原因",
    "{name!r} already exists": "{name!r} 已存在",
    "{what} is already signed": "{what}已签署",
    "{what} has no heats to sign": "{what}没有可签署的炉次",
    "say why heat {heat_no} is voided": "请说明作废炉次 {heat_no} 的原因",
    "say why ingot {n} of heat {heat_no} is voided": "请说明作废炉次 {heat_no} 第 {n} 支钢锭的原因",
    "{name} is deactivated and cannot sign in": "{name} 已停用，无法登录",
    "{name} is locked out after repeated wrong PINs until {time}": "{name} 因多次输错 PIN 码被锁定，至 {time} 解除",
    "close the shifts of {day} first: {shifts}": "请先关闭 {day} 的班次：{shifts}",
    "verify ok: integrity ok, {entries} audit entries chained (head {head}), {signatures} signature(s) match their records.": "校验通过：数据库完整，{entries} 条审计记录链接无误（链头 {head}），{signatures} 个签名与其记录一致。",
    "{signer} ({meaning}) at {at}": "{signer}（{meaning}），{at}",
    "verify FAILED: {problem}": "校验失败：{problem}",
    "PRAGMA integrity_check: {result}": "PRAGMA integrity_check：{result}",
    "{table} row {rowid} refers to a missing {parent} ({n} such row(s))": "{table} 第 {rowid} 行引用了不存在的 {parent}（共 {n} 行）",
    "{day}, shift {shift}": "{day}，{shift} 班",
    "audit entry {id} ({at}, {what}) does not match the chain: it was changed, or an entry before it was": "审计记录 {id}（{at}，{what}）与哈希链不符：它或它之前的记录被改动过",
    "the signature of {place} by {who} refers to an audit chain head that is not in the log": "{place} 由 {who} 所做的签名引用的审计链头不在日志中",
    "{day} is signed: a record is added to a signed shift or day one at a time, by a workshop head, with a reason": "{day} 已签署：向已签署的班次或日期补录记录，须由车间主任逐条录入并说明原因",
    "heat {heat_no} was voided ({reason}); its history is kept": "炉次 {heat_no} 已作废（{reason}）；其历史记录保留",
    "the records of {place} signed by {who} were changed after signing without a correction": "{place} 由 {who} 签署的记录在签署后未经更正手续被改动",
    "the stored ingot sums of heat {heat_no} do not match its ingots: they were changed behind the program's back": "炉次 {heat_no} 存储的钢锭合计与其钢锭不符：已被绕过本程序改动",
    "the stored chemistry verdict of heat {heat_no} ({stored}) is not what its analysis and the edition in force give ({expected})": "炉次 {heat_no} 存储的化学成分判定（{stored}）与其分析值按现行版本判定的结果（{expected}）不符",
    "the new edition changes the verdict of signed heats ({day}): say why it applies to them": "新版本改变了已签署炉次的判定（{day}）：请说明为何适用于这些炉次",
    "the signature #{id} of {place} by {who} {problem}": "{place} 由 {who} 所做的签名 #{id} {problem}",
    "audit entry {id} records the signature {key}, which is missing": "审计条目 {id} 记录了签名 {key}，但该签名已缺失",
    "has no audit entry of its signing": "没有其签署的审计条目",
    "does not match the audit entry of its signing ({field})": "与其签署的审计条目不符（{field}）",
    "is shown as in force, but the audit log records it superseded": "显示为有效，但审计日志记录其已被取代",
    "is marked superseded without an audit entry of its correction": "被标记为已取代，却没有其更正的审计条目",
    "is marked superseded otherwise than the audit entry of its correction": "被标记为已取代的方式与其更正的审计条目不符",
    "the protective trigger {name} is missing: it was dropped": "保护触发器 {name} 缺失：已被删除",
    "the trigger {name} is not the one qcdesk wrote: it was replaced": "触发器 {name} 不是 qcdesk 所建：已被替换",
    "the trigger {name} was not written by qcdesk": "触发器 {name} 不是 qcdesk 所建",
    "{path} does not pass verify: {problem}. Nothing was restored. Restore it only if you know why (--force); the restore is then audited with what verify said.": "{path} 未通过校验：{problem}。未做任何恢复。仅在明确原因时才恢复（--force）；恢复将连同校验结果记入审计日志。",
    "restore even a backup that fails verify (audited with what verify said)": "即使备份未通过校验也恢复（连同校验结果记入审计日志）",
    "the audit log held {n} entries at that head: keep both (removing the newest entries is found only against a head kept elsewhere)": "该链头时审计日志共有 {n} 条：请一并保存（删除最新条目只能对照另处保存的链头发现）",
    'chart': '控制图',
    "limits are frozen for a p-chart, or an I-MR chart of a grade's element": '只能为 p 图或某钢种某元素的 I-MR 图冻结控制限',
    'baseline': '基准期',
    'the baseline period has too little data to compute limits from': '基准期数据太少，无法计算控制限',
    'a fraction nonconforming is from 0 to 1': '不合格品率应在 0 到 1 之间',
    'an I-MR chart needs the mean moving range': 'I-MR 图需要平均移动极差',
    'no limits are frozen for this chart': '此控制图没有冻结的控制限',
    'no shift {code!r}': '没有班次 {code!r}',
    'Last 30 days': '最近 30 天',
    'Month': '月',
    'Quarter': '季度',
    'Year': '年',
    'Custom': '自定义',
    'by day': '按日',
    'by week': '按周',
    'by month': '按月',
    'Most heats by one converter in a day': '单座转炉单日最多炉数',
    'Best daily ingot qualified rate': '最高日钢锭合格率',
    'Longest run of days at or above target': '连续达到目标的最长天数',
    'to': '至',
    'no ingot was judged from {frm} to {to}: there is nothing to compute limits from': '{frm} 至 {to} 没有判定过的钢锭：无法计算控制限',
    '{n} analysis value(s) of {element} from {frm} to {to}: limits need at least two': '{frm} 至 {to} 的 {element} 分析值只有 {n} 个：控制限至少需要两个',
    'no grade {code!r}': '没有钢种 {code!r}',
    '{value} is read as {value} %: the rate is typed in per cent, 96.5 for 96.5 %': '{value} 将被当作 {value} %：合格率按百分数输入，96.5 即 96.5 %',
    '1 point beyond 3σ': '1 点超出 3σ',
    '2 of 3 beyond 2σ': '3 点中 2 点超出 2σ',
    '4 of 5 beyond 1σ': '5 点中 4 点超出 1σ',
    '8 in a row on one side': '连续 8 点在同侧',
    'Rule 1: one point beyond 3σ': '准则 1：1 点超出 3σ',
    'Rule 2: 2 of 3 in a row beyond 2σ, one side': '准则 2：连续 3 点中有 2 点超出 2σ（同侧）',
    'Rule 3: 4 of 5 in a row beyond 1σ, one side': '准则 3：连续 5 点中有 4 点超出 1σ（同侧）',
    'Rule 4: 8 in a row on one side of the centre': '准则 4：连续 8 点落在中心线同侧',
    # guards: lock-out, protected output paths, the integrity check record, no terminal,
    # a database file deleted or replaced (issue 12)
    'the name or the PIN is wrong (after {n} wrong PINs in a row, every PIN is refused for {minutes} minutes)':
        '姓名或 PIN 有误（连续输错 {n} 次 PIN 后，{minutes} 分钟内任何 PIN 都会被拒绝）',
    'only an administrator or a workshop head may list the people (sign in as one with --user)':
        '只有管理员或车间主任可以列出人员（请用 --user 以其身份登录）',
    'a PIN is needed and there is no terminal to type it in: set {variable} (for scripts); nothing was changed':
        '需要输入 PIN，但没有可输入的终端：请设置 {variable}（供脚本使用）；未做任何更改',
    'no PIN was typed; nothing was changed': '没有输入 PIN；未做任何更改',
    '{path} cannot be written: {why}': '{path} 不能写入：{why}',
    'it is the open database or one of its journal files': '它是打开的数据库或其日志文件之一',
    "it is the journal of the database's chain heads": '它是数据库的链头日志',
    "it is the record of the database's integrity check": '它是数据库完整性检查的记录',
    'it is a backup qcdesk keeps of the database (or is named as one)':
        '它是 qcdesk 保留的数据库备份（或以备份的名称命名）',
    'it is a qcdesk database (a copy or a backup of one)': '它是一个 qcdesk 数据库（数据库的副本或备份）',
    "{path} cannot be written: the temporary file beside it, {temporary}, would be one of the database's own files":
        '{path} 不能写入：其旁边的临时文件 {temporary} 会是数据库自己的文件之一',
    '{path} cannot be written: the folder {folder} does not exist': '{path} 不能写入：文件夹 {folder} 不存在',
    'the database failed its integrity check on {when} ({found}): nothing was saved. Restore a backup (qcdesk restore), or, if the file was repaired, check it again (qcdesk verify).':
        '数据库在 {when} 未通过完整性检查（{found}）：未保存任何内容。请恢复备份（qcdesk restore）；'
        '如果文件已修复，请再次检查（qcdesk verify）。',
    '{db} failed its integrity check ({found}): no backup was written, and nothing more is saved in it. Restore a backup (qcdesk restore).':
        '{db} 未通过完整性检查（{found}）：未写入备份，此后也不再向其中保存任何内容。请恢复备份（qcdesk restore）。',
    'by the backup': '由备份检查', 'by qcdesk verify': '由 qcdesk verify 检查', 'by the restore': '由恢复检查',
    'last integrity check: none recorded (the automatic backup checks the file once a day)':
        '上次完整性检查：无记录（自动备份每天检查一次文件）',
    'last integrity check: {when} ({by}): ok': '上次完整性检查：{when}（{by}）：正常',
    'last integrity check: {when} ({by}): FAILED ({found}); the file has been replaced since':
        '上次完整性检查：{when}（{by}）：未通过（{found}）；此后文件已被替换',
    'last integrity check: {when} ({by}): FAILED ({found}); writes are refused until the file is restored or passes a check':
        '上次完整性检查：{when}（{by}）：未通过（{found}）；在文件恢复或通过检查之前拒绝一切写入',
    'the database file {path} was deleted while qcdesk had it open: nothing was saved. Close qcdesk, then restore a backup (qcdesk restore) or open the right file.':
        '数据库文件 {path} 在 qcdesk 打开期间被删除：未保存任何内容。请关闭 qcdesk，然后恢复备份（qcdesk restore）或打开正确的文件。',
    'the database file {path} was replaced by another file while qcdesk had it open: nothing was saved. Close qcdesk and open it again.':
        '数据库文件 {path} 在 qcdesk 打开期间被另一个文件替换：未保存任何内容。请关闭 qcdesk 并重新打开。',
    # --- records proven by the audit trail, the journal of chain heads (schema 9)
    "the journal of chain heads {path} cannot be written: {error}": "链头日志 {path} 无法写入：{error}",
    "check the database file, the audit chain, every record against its audit trail and every signature": "检查数据库文件、审计链、每条记录与其审计轨迹以及每个签名",
    "also hash again the records of every signature in force": "并重新计算每个有效签名所涵盖记录的哈希",
    "the journal is empty": "日志为空",
    "the journal is behind the database: the write ending at entry {id} (head {head}) is not in it; it was not written by qcdesk, or not beside this journal": "日志落后于数据库：止于审计条目 {id}（链头 {head}）的写入不在日志中；它不是由 qcdesk 写入的，或写入时不在此日志旁",
    "the journal starts at entry {id} (head {head}), which the database's chain does not have": "日志起始于审计条目 {id}（链头 {head}），但数据库的审计链中没有此链头",
    "the journal does not say where it starts": "日志没有说明其起点",
    "the database is behind its journal: the journal confirms a write ending at entry {id} (head {head}) that the database's chain does not have: entries were removed or the chain rewritten": "数据库落后于其日志：日志确认了一次止于审计条目 {id}（链头 {head}）的写入，但数据库的审计链中没有它：审计条目被删除或审计链被重写",
    "the database is behind its journal: the journal notes a write after entry {id}, which the database's chain does not end a write with: entries were removed or the chain rewritten": "数据库落后于其日志：日志记录了审计条目 {id} 之后的一次写入，但数据库的审计链中没有一次写入止于该条目：审计条目被删除或审计链被重写",
    "there is no such person": "没有此人员",
    "{name} (row {rec})": "{name}（第 {rec} 行）",
    "{heat}/{n} (ingot row {rec})": "{heat}/{n}（钢锭第 {rec} 行）",
    "#{rec} ({kind} {day})": "#{rec}（{kind} {day}）",
    "the record of {name} was changed outside qcdesk: nothing was done. An administrator should look at it with qcdesk verify.": "{name} 的人员记录在 qcdesk 之外被改动：未执行任何操作。请管理员用 qcdesk verify 检查。",
    "the journal of chain heads {path} cannot be written ({error}): nothing was saved. It must be writable wherever the database is written (QCDESK_HEADS names its folder).": "链头日志 {path} 无法写入（{error}）：未保存任何内容。凡写入数据库之处，日志都必须可写（其文件夹由 QCDESK_HEADS 指定）。",
    "heat {heat_no}": "炉次 {heat_no}",
    "{table} {record} differs from its audit trail (entry {id})": "{table} {record} 与其审计轨迹（条目 {id}）不符",
    "the audit entries after {id} belong to no write of the program: they were added behind its back": "审计条目 {id} 之后的条目不属于程序的任何一次写入：它们是绕过程序添加的",
    "the newest audit entry of {table} {record} (entry {id}) holds no state: it was written behind the program's back": "{table} {record} 的最新审计条目（条目 {id}）没有记录状态：它是绕过程序写入的",
    "{table} {record} is gone, but its audit trail (entry {id}) says it is there: it was removed behind the program's back": "{table} {record} 已不存在，但其审计轨迹（条目 {id}）显示它仍在：它是绕过程序删除的",
    "{table} {record} is there, but its audit trail (entry {id}) says it was removed": "{table} {record} 仍在，但其审计轨迹（条目 {id}）显示它已被删除",
    "{record} is covered by the signature #{id} in force, but was changed after it was signed without superseding it": "{record} 在有效签名 #{id} 的范围内，却在签署后被改动而未使该签名作废",
    "names the chain head {named}, but the chain's head when it was signed was {head}": "记载的链头为 {named}，但签署时的审计链头为 {head}",
    "was signed by {name}, who the audit trail does not know at that moment": "由 {name} 签署，但审计轨迹中当时并无此人",
    "was signed as {role}, but the audit trail says {name} was {actual} then": "以 {role} 身份签署，但审计轨迹显示 {name} 当时是 {actual}",
    "was signed by {name}, who was deactivated then": "由 {name} 签署，但此人当时已被停用",
    "was signed by {name} as {role}, a role that may not sign it": "由 {name} 以 {role} 身份签署，而该角色无权签署",
    "was signed with a PIN checked against another PIN hash than {name}'s at that moment: the person's record was changed for the signing": "签署时核对 PIN 所用的 PIN 哈希并非 {name} 当时的哈希：此人的记录为这次签署被改动过",
    "the journal of chain heads {path}: {problem}": "链头日志 {path}：{problem}",
    "verify ok: integrity ok, {entries} audit entries chained (head {head}), {records} records match their audit trail, {signatures} signature(s) in force match their records and signers.": "校验通过：数据库完整，{entries} 条审计记录链接无误（链头 {head}），{records} 条记录与其审计轨迹一致，{signatures} 个有效签名与其记录和签署人一致。",
    "{table} {record} has no audit entry: it was added behind the program's back": "{table} {record} 没有审计条目：它是绕过程序添加的",
    "{table} {record}: {field} is {live}, but its audit trail (entry {id}) says {logged}: it was changed behind the program's back": "{table} {record}：{field} 现为 {live}，但其审计轨迹（条目 {id}）记载为 {logged}：它是绕过程序改动的",
    "the journal of chain heads {path} has {n} line(s) it did not write (the first: line {line})": "链头日志 {path} 中有 {n} 行不是它写入的（第一处：第 {line} 行）",
    "the journal of chain heads starts at entry {id}: the writes before it are not checked against it (it was missing or replaced then)": "链头日志起始于审计条目 {id}：此前的写入无法与其核对（日志当时缺失或被替换）",
    "the database could not be read: {error}": "无法读取数据库：{error}",
    "the audit entries {first} to {last} (written {at} by {user}) do not match the chain: one was changed, added or removed, or an entry before them was": "审计条目 {first} 至 {last}（{user} 于 {at} 写入）与审计链不符：其中某条被改动、添加或删除，或此前的某条被改动过",
    "there is no journal of chain heads at {path}: the newest entries cannot be checked against a copy outside the database": "{path} 处没有链头日志：最新的审计条目无法与数据库之外的副本核对",
    "the journal of chain heads {path} cannot be read: {error}": "无法读取链头日志 {path}：{error}",
    "warning: {text}": "警告：{text}",
    "audit chain head: {head}; journal of chain heads: {path}{missing}": "审计链头：{head}；链头日志：{path}{missing}",
    " (missing)": "（缺失）",
    # ---- issue 15, part A: the inspector's work on one heat (plausibility, tap time, undo)
    'Ingots heavier than the heat: the judged ingots weigh {judged_kg} kg, {pct} % of the tapped {tapped_t} t (over 103 % is doubtful)': '钢锭重于出钢量：已判钢锭重 {judged_kg} kg，为出钢量 {tapped_t} t 的 {pct} %（超过 103 % 即可疑）',
    'Ingots lighter than the heat: all {n} ingots are judged and weigh {judged_kg} kg, {pct} % of the tapped {tapped_t} t (under 85 % is doubtful)': '钢锭轻于出钢量：{n} 支钢锭均已判定，共重 {judged_kg} kg，为出钢量 {tapped_t} t 的 {pct} %（低于 85 % 即可疑）',
    'Tap temperature doubtful: {temp_c} °C is outside 1500–1750 °C': '出钢温度可疑：{temp_c} °C 不在 1500–1750 °C 范围内',
    "{text!r} is no such date or time": "{text!r} 不是有效的日期或时间",
    "{text!r} is not a tap time: type 10:30 (the date stays), or 2024-03-04 10:30": "{text!r} 不是出钢时间：请输入 10:30（日期不变），或 2024-03-04 10:30",
    "{d} days": "{d} 天",
    "{h} h {m} min": "{h} 小时 {m} 分",
    "it is {span} ahead of the clock": "比当前时间晚 {span}",
    "it is {span} before now": "比当前时间早 {span}",
    "it belongs to production date {day}, not to {shown} shown": "属于生产日期 {day}，而不是所显示的 {shown}",
    "Is the tap time {moment} right? {doubts}. Enter again saves it as typed.": "出钢时间 {moment} 对吗？{doubts}。再按回车即按所输入的保存。",
    "{shift}: closed by {name} at {time}": "{shift}：{name} 于 {time} 关闭",
    "{shift}: no heats": "{shift}：无炉次",
    "{shift}: changed since closed, {n} heat(s)": "{shift}：关闭后有修改，{n} 炉",
    "{shift}: open, {n} heat(s)": "{shift}：未关闭，{n} 炉",
    "the day is signed already": "当日已签署",
    "sign in first": "请先登录",
    "{name} is {role}: a workshop head signs the day": "{name} 是{role}：当日由车间主任签署",
    "the day has no heats": "当日没有炉次",
    "close shift {shift} ({n} heat(s))": "关闭{shift}（{n} 炉）",
    "notes": "备注",
    "ingot {n} voided": "钢锭 {n} 已作废",
    "ingot {n} back to {values}": "钢锭 {n} 恢复为 {values}",
    "analysis back to {values}": "分析恢复为 {values}",
    "record back to {values}": "记录恢复为 {values}",
    "no defects": "无缺陷",
    "a voided record is not brought back by Undo": "撤销不能恢复已作废的记录",
    "a new heat is not taken back by Undo: void it (Ctrl+Shift+Del)": "撤销不能撤回新炉次：请将其作废（Ctrl+Shift+Del）",
    "this change is not taken back by Undo": "撤销不能撤回此项修改",
    "nothing of yours to take back in heat {heat_no}": "炉次 {heat_no} 中没有您可撤销的修改",
    "your last change of heat {heat_no}, at {time}, is more than a minute old: correct it instead": "您对炉次 {heat_no} 的最后一次修改（{time}）已超过一分钟：请改用更正",
    "{name} changed it since: correct it instead": "{name} 此后已修改过：请改用更正",
    # ux-first: starting the window without a display (ui/launcher.py)
    "qcdesk: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are not set); the command line "
    "needs none: {program} --help":
        "qcdesk：没有可以打开窗口的显示器（未设置 DISPLAY 和 WAYLAND_DISPLAY）；命令行不需要显示器：{program} --help",
    # ux-first: who signs in when a command writes to a database with people
    "qcdesk: this database has people: {name} signs in to write (--user NAME for someone else).":
        "qcdesk：此数据库已有人员：写入须由 {name} 登录（换人请用 --user 姓名）。",
    # inputs (issue 12): names and codes a person can tell apart, files that are not what they seem
    "holds an invisible character ({char})": "含有不可见字符（{char}）",
    "holds a character with no agreed look ({char}): private use or unassigned":
        "含有没有公认字形的字符（{char}）：私用区或未分配的码位",
    "holds {char}, which looks like {latin!r}: type codes with Latin letters and digits":
        "含有 {char}，看起来像 {latin!r}：代码请用拉丁字母和数字输入",
    "mixes Latin letters with {char} in one word: type a name on one keyboard":
        "同一个词里混用了拉丁字母和 {char}：姓名请用同一种键盘输入",
    "{value!r} looks like {existing!r}, which exists: use that one, or a name that cannot be mistaken for it":
        "{value!r} 看起来像已有的 {existing!r}：请使用已有的那个，或换一个不会被混淆的名称",
    "({char} where it has {other})": "（此处是 {char}，已有的是 {other}）",
    "{path}: line {line} is longer than {n} KiB: not a CSV file of records (nothing imported)":
        "{path}：第 {line} 行超过 {n} KiB，不是记录的 CSV 文件（未导入任何内容）",
    "{path}: the record from line {line} runs over {n} KiB, a quote left open? (nothing imported)":
        "{path}：从第 {line} 行开始的记录超过 {n} KiB，是否有引号未闭合？（未导入任何内容）",
    "{path}: the first line holds a NUL byte: not a CSV text file (nothing imported)":
        "{path}：第一行含有 NUL 字节，不是 CSV 文本文件（未导入任何内容）",
    "{path} holds {size} MiB; a file of heats or ingots holds at most {limit} MiB: split it (nothing "
    "imported)":
        "{path} 有 {size} MiB；炉次或钢锭文件最多 {limit} MiB：请拆分文件（未导入任何内容）",
    "{path}: line {line} is neither UTF-8 nor GB18030; say which with --encoding (latin-1, cp1250, …), "
    "or save the file as UTF-8":
        "{path}：第 {line} 行既不是 UTF-8 也不是 GB18030；请用 --encoding 指定编码（latin-1、cp1250 等），"
        "或将文件保存为 UTF-8",
    "{path}: line {line} is not UTF-8 and the file does not read as Chinese GB18030 either: save the file "
    "as UTF-8, or name its encoding with --encoding latin-1 (or cp1250, gb18030, …)":
        "{path}：第 {line} 行不是 UTF-8，而整个文件按 GB18030 读出来也不像中文：请将文件保存为 UTF-8，"
        "或用 --encoding latin-1（或 cp1250、gb18030 等）指定其编码",
    "{path}: line {line} is not valid {name}": "{path}：第 {line} 行不是有效的 {name}",
    "{path} is not valid {name}": "{path} 不是有效的 {name}",
    "{path} is a folder: name the CSV file to import": "{path} 是文件夹：请指定要导入的 CSV 文件",
    "{path} is not an ordinary file (a device, a pipe or a socket): only a saved CSV file can be imported":
        "{path} 不是普通文件（设备、管道或套接字）：只能导入已保存的 CSV 文件",
    "{path}: the first line names {n} columns; a file of heats or ingots has at most {limit} "
    "(nothing imported)":
        "{path}：第一行有 {n} 个列名；炉次或钢锭文件最多 {limit} 列（未导入任何内容）",
    "more than {n} problems: the rest of the file was not read": "问题超过 {n} 个：文件其余部分未读取",
    "{path}: more than {n} records; split the file (nothing imported)":
        "{path}：记录超过 {n} 条；请拆分文件（未导入任何内容）",
    # setup-cli (issue 16): the workshop's set-up from the command line and from files
    "the workshop's converters: list, add, rename, retire": "车间的转炉：列出、新增、改名、停用",
    "every converter, in service or not": "全部转炉，在用的和停用的",
    "add a converter": "新增一座转炉",
    "nominal heat size, tonnes": "公称炉容量，吨",
    "give a converter another name (its code stays)": "给转炉改名（代码不变）",
    "take a converter out of service (its heats stay)": "停用一座转炉（其炉次保留）",
    "put a retired converter back into service": "让停用的转炉恢复使用",
    "the shift schedule": "班次安排",
    "the shifts and when each starts": "各班次及其开始时间",
    "replace the schedule: the shifts in the order they work, the first starting the production day, "
    "e.g. night=00:00 day=08:00 evening=16:00":
        "替换班次安排：按作业先后列出班次，第一个班次开始生产日，例如 night=00:00 day=08:00 evening=16:00",
    "each shift and when it starts, in the order they work; the first starts the production day (at 12:00 "
    "or later: the evening before)":
        "各班次及其开始时间，按作业先后排列；第一个班次开始生产日（12:00 或更晚开始的，从前一天晚上开始）",
    "a shift's English name (needed for a new shift)": "班次的英文名称（新班次必须给出）",
    "a shift's Chinese name (needed for a new shift)": "班次的中文名称（新班次必须给出）",
    "the defect catalogue: list, import, export": "缺陷目录：列出、导入、导出",
    "every defect, in use or retired": "全部缺陷，在用的和停用的",
    "add and change defects from a CSV file (all or nothing)": "从 CSV 文件新增和修改缺陷（全部导入或全不导入）",
    "write the catalogue to a CSV file": "把缺陷目录写入 CSV 文件",
    "add grades and standard editions from a CSV file, one row per limit (all or nothing)":
        "从 CSV 文件新增钢种和标准版本，每行一个限值（全部导入或全不导入）",
    "write every edition to a CSV file, one row per limit": "把全部标准版本写入 CSV 文件，每行一个限值",
    "why new editions apply to heats of signed shifts or days whose verdict they change":
        "新版本改变已签字班次或日期炉次的判定时，说明其适用的原因",
    "in service": "在用", "retired": "停用", "in use": "在用", "code": "代码", "nominal": "公称",
    "starts at": "开始时间", "{clock} (next day)": "{clock}（次日）", "As a command: {line}": "写成命令：{line}",
    "surface": "表面", "internal": "内部", "dimensional": "尺寸",
    "Converter {code} added: {name}.": "已新增转炉 {code}：{name}。",
    "Converter {code} is named {name}.": "转炉 {code} 现名为 {name}。",
    "Converter {code} is back in service.": "转炉 {code} 已恢复使用。",
    "Converter {code} is retired: no new heats on it; its heats stay as they are.":
        "转炉 {code} 已停用：不再记录新炉次；其已有炉次保持不变。",
    "Converter {code} is already in service; nothing changed.": "转炉 {code} 本来就在用；未作任何修改。",
    "Converter {code} is already retired; nothing changed.": "转炉 {code} 本来就已停用；未作任何修改。",
    "The schedule is saved. Heats already saved keep their shift and production date; it applies to heats "
    "saved from now on.":
        "班次安排已保存。已保存的炉次保留其班次和生产日期；新安排适用于此后保存的炉次。",
    "write it as CODE=NAME, e.g. night=Night": "请写成 代码=名称，例如 night=夜班",
    "write each shift as CODE=HH:MM, e.g. night=00:00": "每个班次请写成 代码=HH:MM，例如 night=00:00",
    "shift {code} is named twice": "班次 {code} 出现了两次",
    "{clock!r} is not a time of day: write HH:MM, from 00:00 to 23:59":
        "{clock!r} 不是一天中的时刻：请写成 HH:MM，从 00:00 到 23:59",
    "{code} is a new shift: give its names with --name {code}=NAME and --zh {code}=NAME":
        "{code} 是新班次：请用 --name {code}=名称 和 --zh {code}=名称 给出其名称",
    "there is no shift {code!r} in the schedule given": "给出的班次安排中没有班次 {code!r}",
    "starts when shift {code} starts": "与班次 {code} 同时开始",
    "at {clock} the next production day has begun (shift {first} starts it at {first_clock}): list the shifts "
    "in the order they work, from the one that starts the production day":
        "到 {clock} 下一个生产日已经开始（由班次 {first} 于 {first_clock} 开始）：请按作业先后列出班次，"
        "从开始生产日的那个班次列起",
    "{file}: {added} defect(s) added, {changed} changed, {unchanged} unchanged.":
        "{file}：新增 {added} 个缺陷，修改 {changed} 个，{unchanged} 个未变。",
    "{n} defect(s) written to {file}.": "已向 {file} 写出 {n} 个缺陷。",
    "{file}: {added} edition(s) added, {unchanged} already in the database.":
        "{file}：新增 {added} 个标准版本，{unchanged} 个数据库中已有。",
    "{n} edition(s) written to {file}.": "已向 {file} 写出 {n} 个标准版本。",
    "{error}; give it with --reason TEXT (nothing was imported)": "{error}；请用 --reason 说明原因（未导入任何内容）",
    "{n} grade(s) added: {grades}.": "新增 {n} 个钢种：{grades}。",
    "{text!r} is not a category; use one of: {known}": "{text!r} 不是缺陷类别；请用以下之一：{known}",
    "defect {code} is also on line {line}": "缺陷 {code} 也在第 {line} 行",
    "{code!r} looks like {other!r} on line {line}: two codes nobody can tell apart":
        "{code!r} 看起来像第 {line} 行的 {other!r}：两个代码无法分辨",
    "{grade}'s {title} is in force from {day} on line {line}: an edition has one date":
        "第 {line} 行中 {grade} 的 {title} 自 {day} 起实施：一个版本只有一个实施日期",
    "line {line} gives {grade} from {day} as {title}: one grade has one edition a date":
        "第 {line} 行给出 {grade} 自 {day} 起为 {title}：一个钢种在同一日期只有一个版本",
    "{element} of this edition is also limited on line {line}": "本版本的 {element} 在第 {line} 行也有限值",
    "{saved} saved, {here} in the file": "数据库中为 {saved}，文件中为 {here}",
    "{element}: {saved} saved, {here} in the file": "{element}：数据库中为 {saved}，文件中为 {here}",
    "{element}: not limited saved, {here} in the file": "{element}：数据库中无限值，文件中为 {here}",
    "{element}: {saved} saved, not limited in the file": "{element}：数据库中为 {saved}，文件中无限值",
    "{grade} already has an edition in force from {day} ({title}) and this one differs: {differences}. "
    "Editions are added, never overwritten: give a new edition a date of its own":
        "{grade} 已有自 {day} 起实施的版本（{title}），与本版本不同：{differences}。标准版本只能新增，"
        "不能覆盖：新版本请给出自己的实施日期",
    "{grade}'s {title} is already in force from {day}: an edition has one date":
        "{grade} 的 {title} 已自 {day} 起实施：一个版本只有一个实施日期",
    "{n} heat(s) cannot be judged and stay \"not checked\": no standard edition in force on their tap date.":
        "{n} 炉无法判定，保持“未检验”：其出钢日期没有现行的标准版本。",
    "{grade}: {n} heat(s) tapped {days}; {grade} has no standard edition (add one in Set-up, or with "
    "qcdesk standards import)":
        "{grade}：{n} 炉，出钢于 {days}；{grade} 没有任何标准版本（请在设置中添加，或用 qcdesk standards import）",
    "{grade}: {n} heat(s) tapped {days}; its first edition is in force from {day}":
        "{grade}：{n} 炉，出钢于 {days}；其第一个版本自 {day} 起实施",
}

# ---- samples (issue 16): the lab's samples, the product analysis, tolerances, re-grading
ZH.update({
    "preliminary analysis": "炉前分析", "heat analysis": "熔炼分析", "product analysis": "成品分析",
    "taken_at": "取样时间", "tolerances": "允许偏差", "ingot_no": "钢锭号", "regrade_to": "改判钢种",
    "kind": "类别", "values": "成分值", "sample": "试样号", "none": "无", "tolerance": "允许偏差",
    "allowed %": "允许范围 %", "specified limit %": "规定成分界限值 %", "below %": "下偏差 %",
    "above %": "上偏差 %", "not judged": "不判定", "(one side only)": "（同一炉只允许单向偏差）",
    "failing its product analysis": "成品分析不合格", "passing its product analysis": "成品分析合格",
    "analyses: heat samples replace heat analyses already there, and samples of signed shifts are taken "
    "(a correction, audited)":
        "成分分析：熔炼分析试样替换已有的熔炼分析，并接收已签字班次的试样（作为更正，记入审计）",
    "the editions of the product-analysis tolerances (GB/T 222)": "成品化学成分允许偏差的版本（GB/T 222）",
    "every edition and its classes": "所有版本及其分档",
    "add the editions of a CSV file (never overwriting one)": "新增 CSV 文件中的版本（从不覆盖已有版本）",
    "why an edition applies to signed shifts, where it changes them": "新版本改变已签字班次时，说明其适用的原因",
    "write every edition to a CSV file in the import format": "将所有版本按导入格式写入 CSV 文件",
    "--reason is for an import of analyses": "--reason 只用于导入成分分析",
    "{n} sample(s) imported from {file}.": "已从 {file} 导入 {n} 个试样。",
    "{n} sample(s) written to {file}.": "已将 {n} 个试样写入 {file}。",
    "only a re-graded ingot is released as another grade": "只有改判的钢锭才按其他钢种放行",
    "heat {heat_no} does not satisfy {grade}; the grades it satisfies: {grades}":
        "炉号 {heat_no} 不符合 {grade}；其符合的钢种：{grades}",
    "{kind} {sample}, taken {taken_at}": "{kind} {sample}，取样于 {taken_at}",
    "{title}, ingot {n}: {status}": "{title}，钢锭 {n}：{status}",
    "An ingot re-graded may be released as: {grades}": "改判钢锭可按以下钢种放行：{grades}",
    "No tolerance editions: product analyses are judged with no tolerance.":
        "没有允许偏差版本：成品分析按无偏差判定。",
    "No heat analysis of record: the product analyses must meet the heat limits with no tolerance.":
        "没有有效的熔炼分析：成品分析须符合熔炼成分界限值，不得采用允许偏差。",
    "No tolerances in force on the tap date: the product analyses must meet the heat limits with no "
    "tolerance.":
        "出钢日期没有现行的允许偏差：成品分析须符合熔炼成分界限值，不得采用允许偏差。",
    "no grade (the heat analysis satisfies none)": "无（熔炼分析不符合任何钢种）",
    "Product analyses judged with the tolerances of {title} (in force from {day}).":
        "成品分析按 {title} 的允许偏差判定（{day} 起实施）。",
    "{added} edition(s) added from {file}; {same} already there, the very same.":
        "已从 {file} 新增 {added} 个版本；{same} 个完全相同的版本已存在。",
    "unknown column: neither a sample field nor a chemical element symbol": "未知列：既不是试样字段，也不是化学元素符号",
    "two editions of the file come into force on the same date": "文件中有两个版本在同一天实施",
    "{kind!r} is not a kind of sample; use one of: {known}": "{kind!r} 不是试样类别；请使用：{known}",
    "a product sample names the ingot it was drilled from": "成品分析须注明取样的钢锭",
    "only a product sample names an ingot": "只有成品分析才注明钢锭",
    "a sample needs the value of at least one element": "试样至少需要一个元素的含量",
    "a class needs a deviation below, above or both": "每一档须有下偏差、上偏差或两者",
    "heat {heat_no} is in a signed shift or day ({day}): a workshop head adds its samples with --reason":
        "炉号 {heat_no} 属于已签字的班次或日期（{day}）：须由车间主任用 --reason 添加其试样",
    "{taken} is more than {hours} hours before the tap ({tapped}): a preliminary sample is taken during "
    "the blow":
        "{taken} 早于出钢（{tapped}）超过 {hours} 小时：炉前分析试样在吹炼过程中取样",
    "heat {heat_no} already has sample {sample}": "炉号 {heat_no} 已有试样 {sample}",
    "heat {heat_no} already has a heat analysis: give --reason to replace it":
        "炉号 {heat_no} 已有熔炼分析：如需替换请给出 --reason",
    "{title} is in force from {day}; an edition is added, never overwritten: give another date":
        "{title} 自 {day} 起实施；版本只能新增、不能覆盖：请使用其他日期",
    "a {kind} needs the lab's sample number": "{kind}需要化验室的试样号",
    "{taken} is before the tap ({tapped})": "{taken} 早于出钢时间（{tapped}）",
    "sample {sample} of heat {heat_no} is also on line {line}": "炉号 {heat_no} 的试样 {sample} 也在第 {line} 行",
    "heat {heat_no} has another heat sample on line {line}: a heat has one heat analysis":
        "炉号 {heat_no} 在第 {line} 行还有一个熔炼分析试样：每炉只有一个熔炼分析",
    "an edition must give at least one class": "一个版本至少要有一档",
    "two classes hold the same limits: each class ends where the next begins, and only the last may "
    "have no upper end":
        "两档覆盖了相同的界限值：每一档止于下一档的起点，只有最后一档可以没有上限",
    "{heat}/{sample} ({kind}, sample row {rec})": "{heat}/{sample}（{kind}，试样行 {rec}）",
    "the heat analysis of record is corrected, not voided: enter the right values with a reason":
        "熔炼分析只能更正、不能作废：请输入正确的数值并说明原因",
    "the new tolerances change what is qualified in signed shifts ({day}): say why they apply to them":
        "新的允许偏差改变了已签字班次（{day}）的合格判定：请说明其适用的原因",
    "heat {heat_no} already has a heat analysis: say why it is replaced": "炉号 {heat_no} 已有熔炼分析：请说明替换的原因",
    "heat {heat_no} has no sample #{id}": "炉号 {heat_no} 没有试样 #{id}",
    "say why sample {sample} of heat {heat_no} is voided": "请说明作废炉号 {heat_no} 试样 {sample} 的原因",
    "heat {heat_no} has a heat analysis but no heat sample holding it": "炉号 {heat_no} 有熔炼分析，但没有对应的熔炼分析试样",
    "ingot {heat_no}/{n} is stored as {stored}, but its heat's product analyses and the tolerances in "
    "force give otherwise: it was changed behind the program's back":
        "钢锭 {heat_no}/{n} 记录为{stored}，但按该炉的成品分析和现行允许偏差结果不同：有人绕过程序修改了它",
    "{n} judged ingot(s) fail their product analysis: not qualified, whatever their disposition.":
        "{n} 支已判钢锭成品分析不合格：无论其判定如何，均不计为合格。",
    # a failing product sample's elements, short (heat view, ingot grid, reports)
    "{element} {value} (one side only)": "{element} {value}（单向偏差）",
    # plant mode: the store on a PostgreSQL server (issue 13)
    "the database server cannot be reached ({error}): nothing was changed. "
    "Check the network and that the server runs, then try again.":
        "无法连接数据库服务器（{error}）：未做任何更改。请检查网络和服务器是否运行，然后重试。",
    "the journal of chain heads cannot be kept in {path}: {error}": "链头日志无法保存在 {path}：{error}",
    "{path} holds no qcdesk database yet.": "{path} 中还没有 qcdesk 数据库。",
    "{path} is a PostgreSQL database of another program; it was left untouched.":
        "{path} 是其他程序的 PostgreSQL 数据库；未做任何改动。",
    "backup and restore of a PostgreSQL database are made with the server's own tools (pg_dump) in this "
    "version; nothing was done": "本版本中 PostgreSQL 数据库的备份和恢复使用服务器自带的工具（pg_dump）；未做任何操作",
})

# ---- pg-io (issue 13): a file to write named as a server's database
ZH.update({
    "{path} cannot be written: it names a database on a server; give a file name":
        "无法写入 {path}：它指的是服务器上的数据库；请给出文件名",
    # --- verify on a PostgreSQL server (plant mode, pg-trust)
    "the constraint {name} on {table} is not validated": "{table} 上的约束 {name} 未经验证",
    "the constraint {name} on {table} is not enforced: its trigger was disabled":
        "{table} 上的约束 {name} 未生效：其触发器已被禁用",
    "the server's check of the schema's constraints: {result}": "服务器对数据库约束的检查：{result}",
    "the protective trigger {name} is disabled: it does not fire": "保护触发器 {name} 已被禁用：不会触发",
    "the function {function} is missing: it was dropped": "函数 {function} 缺失：已被删除",
    "the function {function}, which the trigger {name} runs, is not the one qcdesk wrote: it was replaced":
        "触发器 {name} 调用的函数 {function} 不是 qcdesk 所建：已被替换",
    "the function {function} is not the one qcdesk wrote: it was replaced": "函数 {function} 不是 qcdesk 所建：已被替换",
    "the function {function} was not written by qcdesk": "函数 {function} 不是 qcdesk 所建",
    "there is no journal of chain heads at {path}: this workstation wrote nothing to this database, or its "
    "journal was removed; the newest entries cannot be checked against a copy outside the server":
        "{path} 处没有链头日志：本工作站未曾向该数据库写入，或其日志已被删除；最新的审计条目无法与服务器之外的副本核对",
    "the journal of chain heads {path} (this workstation's): {problem}": "链头日志 {path}（本工作站的）：{problem}",
    "the journal of chain heads {path} is this workstation's: its {n} write(s) are in the chain; the other "
    "workstations' writes are checked against their own journals":
        "链头日志 {path} 属于本工作站：其记录的 {n} 次写入均在链中；其他工作站的写入由各自的日志核对",
})

# plant mode at the edges: qcdesk migrate, plant setup, backups of a server's database, info
ZH.update({
    "database file, or a postgresql:// URI of a database on a server (default: QCDESK_DB, else the user data "
    "folder)": "数据库文件，或服务器上数据库的 postgresql:// URI（默认：QCDESK_DB，否则为用户数据文件夹）",
    "on a server: replace a database that is not empty (it is backed up first)":
        "服务器上：替换非空的数据库（先对其备份）",
    "copy the database to a PostgreSQL server or back to a file (--to); without --to, bring its schema up to "
    "date": "将数据库复制到 PostgreSQL 服务器或复制回文件（--to）；不带 --to 时，将其结构升级到最新",
    "a postgresql:// URI of an empty database, or a new file": "空数据库的 postgresql:// URI，或一个新文件",
    "the database to copy (default: --db, QCDESK_DB, else the user data folder's)":
        "要复制的数据库（默认：--db、QCDESK_DB，否则为用户数据文件夹中的数据库）",
    "plant mode: set up a PostgreSQL server for every desk": "全厂模式：为各工作台设置 PostgreSQL 服务器",
    "create the owner and application roles and the database, as a superuser, and grant each its rights":
        "以超级用户身份创建属主角色、应用角色和数据库，并授予各自的权限",
    "a superuser's postgresql:// URI naming the database to set up": "超级用户的 postgresql:// URI，指明要设置的数据库",
    "the role that owns the schema and runs qcdesk migrate": "拥有数据库结构并运行 qcdesk migrate 的角色",
    "the role the desks connect as": "各工作台连接时使用的角色",
    "the application role's password (better: QCDESK_APP_PASSWORD)": "应用角色的密码（更好的做法：QCDESK_APP_PASSWORD）",
    "the owner role's password (better: QCDESK_OWNER_PASSWORD)": "属主角色的密码（更好的做法：QCDESK_OWNER_PASSWORD）",
    "--replace is for a database on a server: a file is always replaced, the old one kept aside":
        "--replace 用于服务器上的数据库：文件总是被替换，原文件另行保留",
    "name the database: a file or a postgresql:// URI": "请指定数据库：文件或 postgresql:// URI",
    "plant setup needs a postgresql:// URI of the database to set up, connecting as a superuser":
        "plant setup 需要以超级用户连接、指明要设置的数据库的 postgresql:// URI",
    "integrity: the server keeps its own files whole; qcdesk verify checks the records":
        "完整性：服务器自行保证其文件完整；qcdesk verify 检查记录",
    "(the journal is this workstation's: each desk keeps the heads of the writes it made)":
        "（此日志属于本工作站：每个工作台记录自己所做写入的链头）",
    "copying {table}: {rows} rows": "正在复制 {table}：{rows} 行",
    "--from names what to copy: say where to, with --to": "--from 指明复制什么：请用 --to 指明复制到哪里",
    "the source was written after its snapshot was copied: what was saved since is not in the copy":
        "复制快照之后源数据库又有写入：之后保存的内容不在副本中",
    "{path} is a backup of a PostgreSQL database (pg_dump): it is restored onto a PostgreSQL database (--db "
    "postgresql://…), or copied into a file with qcdesk migrate --from URI --to FILE once restored. Nothing was "
    "restored.": "{path} 是 PostgreSQL 数据库的备份（pg_dump）：应恢复到 PostgreSQL 数据库（--db postgresql://…），"
                 "恢复后可用 qcdesk migrate --from URI --to FILE 复制成文件。未恢复任何内容。",
    "copied {source} to {target} in {seconds} s:": "已将 {source} 复制到 {target}，用时 {seconds} 秒：",
    "table": "表", "rows": "行数", "view": "视图", "sequence": "序列", "relation": "关系", "function": "函数",
    "aggregate": "聚合函数", "procedure": "过程", "type": "类型",
    "verify of the copy, in {seconds} s: {summary}": "副本校验，用时 {seconds} 秒：{summary}",
    "chain head of {db}: {head}": "{db} 的链头：{head}",
    "server: PostgreSQL {version}; schema {schema}; connected as {role}":
        "服务器：PostgreSQL {version}；模式 {schema}；连接角色 {role}",
    "its chain head, noted beside it: {head}": "其旁边记录的链头：{head}",
    "it has no journal of chain heads beside it ({path}): verify will say so":
        "其旁边没有链头日志（{path}）：校验时会提示",
    "Replace the database {db} by this backup? The current database is backed up first, to {path}. Type yes "
    "to go on: ": "用此备份替换数据库 {db}？当前数据库会先备份到 {path}。输入 yes（或“是”）继续：",
    "journal of chain heads of the copy: {path}": "副本的链头日志：{path}",
    "{db}: schema {version}, the newest this program knows.": "{db}：结构版本 {version}，为本程序所知的最新版本。",
    "it is a backup of a PostgreSQL database (pg_dump)": "它是 PostgreSQL 数据库的备份（pg_dump）",
    "qcdesk migrate copies a SQLite file to a PostgreSQL database or back; for a copy of the same kind use "
    "qcdesk backup and restore. Nothing was copied.":
        "qcdesk migrate 在 SQLite 文件与 PostgreSQL 数据库之间复制；同类之间的复制请用 qcdesk backup 和 restore。"
        "未复制任何内容。",
    "the owner and the application role must be two roles: the desks must not own the tables they write":
        "属主角色和应用角色必须是两个不同的角色：工作台不得拥有它们写入的表",
    "a role without a password signs in only as the server's pg_hba.conf lets it (peer, certificate): give it "
    "one with --app-password / --owner-password, or ALTER ROLE":
        "没有密码的角色只能按服务器 pg_hba.conf 允许的方式登录（peer、证书）：可用 --app-password / "
        "--owner-password 或 ALTER ROLE 设置密码",
    "role {name}: created": "角色 {name}：已创建",
    "role {name}: there": "角色 {name}：已存在",
    "role {name}: there (password changed)": "角色 {name}：已存在（密码已更改）",
    "the desks connect as: {uri}": "各工作台的连接：{uri}",
    "qcdesk migrate and restore run as: {uri}": "qcdesk migrate 和 restore 的连接：{uri}",
    "the copy does not pass verify: {problem}. Nothing was kept; check the source with qcdesk verify.":
        "副本未通过校验：{problem}。未保留任何内容；请用 qcdesk verify 检查源数据库。",
    "the copy's chain head {copied} is not the source's ({source}): nothing was kept.":
        "副本的链头 {copied} 与源数据库的（{source}）不同：未保留任何内容。",
    "the source's journal of chain heads {path} does not reach the copy's head: the copy has none (verify says "
    "so)": "源数据库的链头日志 {path} 未到达副本的链头：副本没有链头日志（校验时会提示）",
    "{path} exists: qcdesk migrate writes a new file only. Nothing was copied.":
        "{path} 已存在：qcdesk migrate 只写入新文件。未复制任何内容。",
    "{n} more": "另有 {n} 项",
    "name the database to set up in the URI (postgresql://…/qc): not {name!r}":
        "请在 URI 中指明要设置的数据库（postgresql://…/qc）：不能是 {name!r}",
    "{app} may read and write the records, and only read and add to the audit trail; {owner} owns the schema "
    "and runs qcdesk migrate": "{app} 可读写记录，对审计记录只能读取和追加；{owner} 拥有数据库结构并运行 qcdesk migrate",
    "database {name}: created, owned by {owner}": "数据库 {name}：已创建，属主 {owner}",
    "database {name}: there, owned by {owner}": "数据库 {name}：已存在，属主 {owner}",
    "database {name}: there, now owned by {owner} (was {was})": "数据库 {name}：已存在，属主改为 {owner}（原为 {was}）",
    "{path} failed its integrity check on {when}: it is not copied. Restore a backup first (qcdesk restore).":
        "{path} 在 {when} 未通过完整性检查：不予复制。请先恢复备份（qcdesk restore）。",
    "{target} is not empty: it holds {what}. Nothing was copied: migrate into an empty database (createdb), or "
    "drop what it holds first.": "{target} 不是空的：其中有 {what}。未复制任何内容：请迁移到空数据库（createdb），"
                                 "或先删除其中的内容。",
    "{db} refused the copy: {error}. Nothing was copied.": "{db} 拒绝了复制：{error}。未复制任何内容。",
    "{db} refused the copy: {error}. Nothing was copied: the copy creates the schema, so it runs as the "
    "database's owner role.": "{db} 拒绝了复制：{error}。未复制任何内容：复制要创建数据库结构，须以数据库的属主角色运行。",
    "{name!r} cannot be a role's name": "{name!r} 不能用作角色名",
    "{db} refused to grant the application role its rights: {error}": "{db} 拒绝授予应用角色权限：{error}",
    "the database is empty: as {owner}, create the schema (qcdesk --db URI migrate) or copy a database into "
    "it (qcdesk --db FILE migrate --to URI); its tables are then granted to {app}":
        "数据库是空的：请以 {owner} 身份创建数据库结构（qcdesk --db URI migrate），或将数据库复制进来"
        "（qcdesk --db FILE migrate --to URI）；之后其各表会授权给 {app}",
    "{db} refused the set-up: {error}": "{db} 拒绝了设置：{error}",
    "plant setup runs as a superuser (postgres): {uri} connects as another role":
        "plant setup 须以超级用户（postgres）运行：{uri} 连接的是其他角色",
    "{program} is needed for a backup of a PostgreSQL database and was not found (on PATH or in "
    "/usr/lib/postgresql/*/bin): {install}. Nothing was done.":
        "备份 PostgreSQL 数据库需要 {program}，但未找到（PATH 中或 /usr/lib/postgresql/*/bin 中）：{install}。"
        "未做任何操作。",
    "install PostgreSQL's client programs (Debian and Ubuntu: apt-get install postgresql-client) in the same "
    "or a newer version than the server": "请安装与服务器相同或更新版本的 PostgreSQL 客户端程序"
                                          "（Debian 和 Ubuntu：apt-get install postgresql-client）",
    "{db} is not empty: it holds {what}. Nothing was restored. Restore into an empty database (createdb "
    "{name}_restored, then qcdesk --db with its URI), or make room: keep this one under another name (psql: "
    "ALTER DATABASE {name} RENAME TO {name}_old; CREATE DATABASE {name} OWNER the owner role), or drop it "
    "(dropdb {name}; createdb {name}); or replace it with --replace (it is backed up first).":
        "{db} 不是空的：其中有 {what}。未恢复任何内容。请恢复到空数据库（createdb {name}_restored，然后用 qcdesk "
        "--db 指定其 URI），或腾出位置：将此数据库改名保留（psql：ALTER DATABASE {name} RENAME TO {name}_old；"
        "CREATE DATABASE {name} OWNER 属主角色），或删除它（dropdb {name}；createdb {name}）；"
        "或用 --replace 替换它（先对其备份）。",
    "{db} holds no qcdesk database: nothing was backed up.": "{db} 中没有 qcdesk 数据库：未备份任何内容。",
    "{db} is a PostgreSQL database of another program: nothing was backed up.":
        "{db} 是其他程序的 PostgreSQL 数据库：未备份任何内容。",
    "{path} is not a whole pg_dump archive: {error}": "{path} 不是完整的 pg_dump 归档：{error}",
    "{path} is not a backup of a qcdesk database: it lacks the table {table}":
        "{path} 不是 qcdesk 数据库的备份：缺少表 {table}",
    "{path} is not a pg_dump archive (pg_dump -Fc): a PostgreSQL database is restored from one. A SQLite "
    "backup goes onto a server with qcdesk migrate --from FILE --to URI.":
        "{path} 不是 pg_dump 归档（pg_dump -Fc）：PostgreSQL 数据库须从此类归档恢复。SQLite 备份可用 "
        "qcdesk migrate --from FILE --to URI 放到服务器上。",
    "{path} is not a backup of a qcdesk database": "{path} 不是 qcdesk 数据库的备份",
    "pg_restore could not restore {path}: {error}. Nothing was restored.":
        "pg_restore 无法恢复 {path}：{error}。未恢复任何内容。",
    "{role} may not create tables in {db}: nothing was restored. A restore creates the schema: run it as the "
    "database's owner role.": "{role} 无权在 {db} 中建表：未恢复任何内容。恢复要创建数据库结构：请以数据库的属主角色运行。",
    "{program} could not be run: {error}": "无法运行 {program}：{error}",
    "{db} cannot be reached: {error}": "无法连接 {db}：{error}",
    "{db}: {error}. No backup was written.": "{db}：{error}。未写入备份。",
    "pg_dump could not back up {db}: {error}. No backup was written.": "pg_dump 无法备份 {db}：{error}。未写入备份。",
    "pg_dump could not back up {db}: {error}. No backup was written: back the server up as the owner role, the one qcdesk migrate runs as (the desks' role may not read everything a backup holds).":
        "pg_dump 无法备份 {db}：{error}。未写入备份：请以属主角色（运行 qcdesk migrate 的角色）备份服务器（工作站角色不能读取备份所需的全部内容）。",
})

# --- several workshops on one server (issue 14, workshops) ---------------------------------------
ZH.update({
    "on a server of several workshops: the one to work in (as ?workshop=CODE in the URI)":
        "服务器上有多个车间时：在哪个车间工作（同 URI 中的 ?workshop=CODE）",
    "on a server of several workshops: every workshop's rates and the plant's, combined from their sums "
    "(the quality office)": "服务器上有多个车间时：各车间的合格率及全厂合格率，由各车间的合计量汇总（质量处）",
    "the workshop of the server to copy into (a new one, beside those there) or from":
        "复制到服务器上的哪个车间（与已有车间并列的新车间），或从哪个车间复制",
    "the workshops of the plant's server (--db as a superuser)": "全厂服务器上的车间（--db 以超级用户连接）",
    "add a workshop: its schema, its records, its desks' role": "添加车间：其数据库结构、记录及工作站角色",
    "the workshop's code: lower-case letters, digits, _": "车间代码：小写字母、数字、_",
    "its name in English, printed on reports": "其英文名称，印在报表上",
    "its name in Chinese": "其中文名称",
    "its desks' role (default: qcdesk_app_CODE)": "其工作站角色（默认：qcdesk_app_CODE）",
    "the plant's quality-office role, which reads every workshop": "全厂质量处角色，可读取每个车间",
    "the workshops, their roles, and whether you are a member": "各车间、其角色，以及您是否为成员",
    "who may work in a workshop (--db as a superuser)": "谁可在车间工作（--db 以超级用户连接）",
    "make a login role (made if missing) a member of a workshop, or of the quality office":
        "使登录角色（没有则创建）成为某车间或质量处的成员",
    "a person's or a desk's login role": "个人或工作站的登录角色",
    "the workshop joined": "加入的车间",
    "the plant's quality office: reads every workshop, signs nothing": "全厂质量处：读取每个车间，不签署任何内容",
    "the plant's quality-office role": "全厂质量处角色",
    "--plant is for a server of several workshops; a SQLite file is one workshop":
        "--plant 用于有多个车间的服务器；一个 SQLite 文件就是一个车间",
    "the workshops are those of a PostgreSQL server: --db postgresql://… naming the plant's database (as a "
    "superuser to add one); a SQLite file is one workshop":
        "车间是 PostgreSQL 服务器上的车间：用 --db postgresql://… 指定全厂数据库（添加车间须以超级用户连接）；"
        "一个 SQLite 文件就是一个车间",
    "not counted: the workshops you are not a member of ({names})": "未计入：您不是其成员的车间（{names}）",
    "no": "否",
    "workshop": "车间",
    "yours": "您的",
    "desks' roles": "工作站角色",
    "reads all": "读取全部",
    "{db} holds no workshop yet.": "{db} 中还没有车间。",
    "qcdesk: --workshop names a workshop of a PostgreSQL server; {db} is a SQLite file, which is one workshop":
        "qcdesk：--workshop 指定 PostgreSQL 服务器上的车间；{db} 是 SQLite 文件，它就是一个车间",
    "the workshop's role and the plant's role must be two roles: the quality office signs nothing":
        "车间角色与全厂角色必须是两个角色：质量处不签署任何内容",
    "{problem}; nothing was changed": "{problem}；未做任何更改",
    "{problem}; nothing was copied": "{problem}；未复制任何内容",
    "{role} may read every workshop's records and write none (the plant's quality office)":
        "{role} 可读取每个车间的记录，不可写入（全厂质量处）",
    "the desks of {code} connect as a login role made a member of {role} (qcdesk plant member add LOGIN "
    "--workshop {code}), to {uri}":
        "{code} 的工作站以 {role} 成员的登录角色（qcdesk plant member add LOGIN --workshop {code}）连接到 {uri}",
    "{what} runs as a superuser (postgres): {uri} connects as another role. Nothing was changed.":
        "{what} 须以超级用户（postgres）运行：{uri} 连接的是其他角色。未做任何更改。",
    "say what {role} joins: --workshop CODE, or --plant for the quality office":
        "请说明 {role} 加入什么：--workshop CODE，或 --plant 加入质量处",
    "you are a member of none of the workshops of {db} ({names}): an administrator makes you one (qcdesk "
    "plant member add)": "您不是 {db} 任何车间（{names}）的成员：请管理员将您加入（qcdesk plant member add）",
    "workshop {code} is new: qcdesk plant workshop add {code}, as a superuser, gives it its desks' role and "
    "the quality office's rights": "车间 {code} 是新的：以超级用户运行 qcdesk plant workshop add {code}，"
                                   "为其设工作站角色及质量处的权限",
    "{db} refused the workshop's schema: {error}. Nothing was changed.":
        "{db} 拒绝了车间的数据库结构：{error}。未做任何更改。",
    "{db} refused to make the workshop's schema: {error}. Nothing was copied: the copy runs as the "
    "database's owner role.": "{db} 拒绝创建车间的数据库结构：{error}。未复制任何内容：复制须以数据库的属主角色运行。",
    "workshop {code}: created, owned by {owner}": "车间 {code}：已创建，属主为 {owner}",
    "workshop {code}: there, its records kept": "车间 {code}：已存在，其记录保留",
    "there is no role {role} yet: qcdesk plant workshop add makes it. Nothing was changed.":
        "还没有角色 {role}：qcdesk plant workshop add 会创建它。未做任何更改。",
    "{db} holds no workshop {code}: the workshops there are {names}. Nothing was changed.":
        "{db} 中没有车间 {code}：其中的车间为 {names}。未做任何更改。",
    "workshop {code} has no desks' role yet: qcdesk plant workshop add {code} gives it one. Nothing was "
    "changed.": "车间 {code} 还没有工作站角色：qcdesk plant workshop add {code} 会为其创建。未做任何更改。",
    "{login} is a member of {role}": "{login} 是 {role} 的成员",
    "the database holds the workshops {names}: each has its own desks' role (qcdesk plant workshop add CODE "
    "grants it again)": "数据库中有车间 {names}：每个车间有自己的工作站角色（qcdesk plant workshop add CODE 可重新授权）",
    "the schema {code} holds {what}, and not a qcdesk workshop: nothing was changed. Choose another code.":
        "数据库结构 {code} 中有 {what}，不是 qcdesk 车间：未做任何更改。请另选代码。",
    "plant": "全厂",
    "there is no workshop to combine": "没有可汇总的车间",
    "across workshops heats are grouped by {keys}: a converter's number and a shift are a workshop's own":
        "跨车间时炉次按 {keys} 分组：转炉编号和班次是各车间自己的",
    "{error} No backup was written.": "{error} 未写入备份。",
    "{path} is a backup of workshop {found}; {db} is workshop {target}: nothing was restored. Restore it "
    "onto its own workshop (?workshop={found}).":
        "{path} 是车间 {found} 的备份；{db} 是车间 {target}：未恢复任何内容。请恢复到其本车间（?workshop={found}）。",
    "{code!r} cannot name a workshop: a lower-case letter, then letters, digits or _, up to 40 (not pg_…)":
        "{code!r} 不能作车间代码：以小写字母开头，其后为字母、数字或 _，最多 40 个（不能以 pg_ 开头）",
    "{db} holds no workshop {code}: the workshops there are {names}.": "{db} 中没有车间 {code}：其中的车间为 {names}。",
    "you ({role}) are not a member of workshop {code}: nothing was opened. Your workshops on this server: "
    "{mine}. An administrator makes you one: qcdesk plant member add {role} --workshop {code}.":
        "您（{role}）不是车间 {code} 的成员：未打开任何内容。您在此服务器上的车间：{mine}。"
        "请管理员将您加入：qcdesk plant member add {role} --workshop {code}。",
    "{db} holds several workshops: {names}. Name the one this desk works in, with ?workshop=CODE in the URI "
    "(--db, QCDESK_DB, Preferences) or --workshop CODE; yours: {mine}.":
        "{db} 中有多个车间：{names}。请指定本工作站所在车间：在 URI 中加 ?workshop=CODE（--db、QCDESK_DB、"
        "首选项）或用 --workshop CODE；您的车间：{mine}。",
})

# issue 14, alerts: the off-grade announcements and their dismissals
ZH.update({
    "dismiss an off-grade announcement": "关闭成分不合格通告",
    "Heat {heat_no} off grade: {element} {value} % > max {limit} % ({grade}, {standard})":
        "炉次 {heat_no} 成分不合格：{element} {value} % > 上限 {limit} %（{grade}，{standard}）",
    "Heat {heat_no} off grade: {element} {value} % < min {limit} % ({grade}, {standard})":
        "炉次 {heat_no} 成分不合格：{element} {value} % < 下限 {limit} %（{grade}，{standard}）",
    "Ingot {heat_no}/{ingot_no} fails its product analysis {sample}: {element} {value} % > {limit} % "
    "allowed ({grade}, {standard})":
        "钢锭 {heat_no}/{ingot_no} 成品分析 {sample} 不合格：{element} {value} % > 允许的 {limit} %"
        "（{grade}，{standard}）",
    "Ingot {heat_no}/{ingot_no} fails its product analysis {sample}: {element} {value} % < {limit} % "
    "allowed ({grade}, {standard})":
        "钢锭 {heat_no}/{ingot_no} 成品分析 {sample} 不合格：{element} {value} % < 允许的 {limit} %"
        "（{grade}，{standard}）",
    "Ingot {heat_no}/{ingot_no} fails its product analysis {sample}: {element} {value} %, the heat's "
    "product analyses lie outside its {element} limits on both sides ({grade}, {standard})":
        "钢锭 {heat_no}/{ingot_no} 成品分析 {sample} 不合格：{element} {value} %，本炉成品分析的 {element} "
        "在规定界限的两侧均有超出（{grade}，{standard}）",
    "product analysis {sample}, ingot {ingot_no}": "成品分析 {sample}，钢锭 {ingot_no}",
    "heat analysis": "熔炼分析",
    "as {role}": "身份：{role}",
    "{what}: {element} {value} %{bound} ({standard}) {as_role}": "{what}：{element} {value} %{bound}（{standard}）{as_role}",
    "heat {heat_no} no longer fails on {element} there: nothing was dismissed":
        "炉次 {heat_no} 的 {element} 已不再不合格：未关闭任何通告",
    "{heat}/{element} (dismissal row {rec})": "{heat}/{element}（通告关闭记录第 {rec} 行）",
    "{path} holds a qcdesk database of schema {found}; this program needs schema {known}. Nothing was "
    "changed: the owner role brings it up to date with qcdesk --db URI migrate.":
        "{path} 中的 qcdesk 数据库为第 {found} 版结构；本程序需要第 {known} 版。未做任何更改："
        "请由属主角色运行 qcdesk --db URI migrate 将其升级。",
    # the schema's objects made by another role than its owner (lead, issue 14)
    " and {n} more": "等另外 {n} 项",
    "the schema {schema} holds what its owner {owner} does not own ({what}): made by another role, a superuser's copy say. Nothing was changed: copy the records in as {owner}, or have a superuser give them to {owner} (REASSIGN OWNED BY that role TO {owner}, in this database).":
        "模式 {schema} 中有不属于其属主 {owner} 的对象（{what}）：由其他角色创建，例如超级用户复制而来。未做任何更改：请以 {owner} 复制记录，或由超级用户将它们交给 {owner}（在本数据库中执行 REASSIGN OWNED BY 该角色 TO {owner}）。",
    # members of the plant's workshops, and the plant's quality office (lead, issue 14)
    "say what {role} leaves: --workshop CODE, or --plant for the quality office":
        "请说明 {role} 退出什么：--workshop 代码，或 --plant 表示质量管理处",
    "the quality office ({role})": "质量管理处（{role}）",
    "workshop {code}": "车间 {code}",
    "{login} is not a member of {what}: nothing was changed": "{login} 不是 {what} 的成员：未做任何更改",
    "{login} is no longer a member of {role}": "{login} 已不再是 {role} 的成员",
    "No login role is a member of a workshop or of the quality office yet.": "尚无登录角色属于任何车间或质量管理处。",
    "login role": "登录角色",
    "workshops": "车间",
    "quality office": "质量管理处",
    "take a login role out of a workshop, or out of the quality office (the role itself is kept)":
        "将登录角色移出车间或质量管理处（角色本身保留）",
    "the workshop left": "退出的车间",
    "the plant's quality office": "全厂质量管理处",
    "the login roles of every workshop and of the quality office": "各车间及质量管理处的登录角色",
    # the off-grade announcements at the command line (lead, issue 14)
    "the off-grade announcements of the last 7 days, and their dismissal": "近 7 天的成分不合格通告及其关闭",
    "the announcements no one has dismissed yet, oldest first": "尚无人关闭的通告，最早的在前",
    "dismiss an announcement for the whole workshop (who, as what role and when is recorded in the heat's "
    "history)": "为全车间关闭一条通告（由谁、以何身份、何时关闭，记入该炉次的历史）",
    "the failing element's symbol, Mn say": "不合格元素的符号，例如 Mn",
    "an ingot's product analysis: its sample's number (without it, the heat analysis)":
        "钢锭的成品分析：其样品编号（不写则指熔炼分析）",
    "No off-grade announcement is open: none in the last 7 days, or every one dismissed.":
        "没有未关闭的不合格通告：近 7 天内没有，或都已关闭。",
    "the heat analysis of {heat_no}": "{heat_no} 的熔炼分析",
    "product analysis {sample} of {heat_no}": "{heat_no} 的成品分析 {sample}",
    "no open announcement of {element} in {what}: nothing was dismissed. {open}":
        "{what} 中没有 {element} 的未关闭通告：未关闭任何通告。{open}",
    "Open for heat {heat_no}: {texts}": "炉次 {heat_no} 未关闭的通告：{texts}",
    "qcdesk alerts list shows the open ones.": "qcdesk alerts list 列出未关闭的通告。",
    "Dismissed for the whole workshop: {text} (by {who}{role}, {at})": "已为全车间关闭：{text}（{who}{role}，{at}）",
    # the plant's quality office at a desk (plantdesk)
    "this desk's role may read the records but change none: the plant's quality office reads every "
    "workshop and signs nothing. Nothing was changed.":
        "本工作站的角色只能查阅记录，不能更改：全厂质量管理处查阅各车间，不签署任何记录。未做任何更改。",
})
