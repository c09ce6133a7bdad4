"""Chinese for the Reports view."""

ZH = {
    "Daily report": "质量日报",
    "heat number": "炉号",
    "Heat sheet": "炉次检验单",
    "Save…": "保存…",
    "Print…": "打印…",
    "Production date:": "生产日期：",
    "Heat:": "炉号：",
    "Making the daily report of {date}…": "正在生成 {date} 的质量日报…",
    "Type a heat number.": "请输入炉号。",
    "Making the inspection sheet of heat {heat_no}…": "正在生成炉号 {heat_no} 的检验单…",
    "{name}: {pages} page(s)": "{name}：共 {pages} 页",
    "The PDF could not be shown.": "无法显示该 PDF。",
    "Save the report": "保存报表",
    "PDF files (*.pdf)": "PDF 文件 (*.pdf)",
    "{path}: {error}": "{path}：{error}",
    "Saved: {path}": "已保存：{path}",
    "The printer could not be started.": "无法启动打印机。",
    "Sent to the printer: {pages} page(s)": "已送往打印机：{pages} 页",
}
