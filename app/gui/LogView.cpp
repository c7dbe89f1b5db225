#include "gui/LogView.h"

#include <QEvent>
#include <QFontDatabase>
#include <QScrollBar>

namespace mmf::studio {

namespace {
constexpr int kMaxEntries = 20000;
}

LogView::LogView(QWidget* parent)
    : QPlainTextEdit(parent)
{
    setObjectName(QStringLiteral("logView"));
    setReadOnly(true);
    setMaximumBlockCount(kMaxEntries);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setPlaceholderText(tr("The task's log appears here."));
    setLineWrapMode(QPlainTextEdit::WidgetWidth);
}

void LogView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) {
        setPlaceholderText(tr("The task's log appears here."));
        bool hasNotes = false;
        for (const Entry& entry : m_entries)
            hasNotes = hasNotes || bool(entry.note);
        if (hasNotes) {
            const int position = verticalScrollBar()->value();
            clear();
            for (const Entry& entry : m_entries)
                appendHtml(htmlOf(entry));
            verticalScrollBar()->setValue(position);
        }
    }
    QPlainTextEdit::changeEvent(event);
}

void LogView::append(const QString& html)
{
    QScrollBar* bar = verticalScrollBar();
    const bool atEnd = bar->value() >= bar->maximum() - 4;
    appendHtml(html);
    if (atEnd)
        bar->setValue(bar->maximum());
}

QString LogView::htmlOf(const Entry& entry)
{
    if (entry.note)
        return QStringLiteral("<i style=\"color:#78909c\">— %1</i>").arg(entry.note().toHtmlEscaped());
    QString colour = QStringLiteral("#37474f");
    if (entry.level == QLatin1String("warning"))
        colour = QStringLiteral("#e65100");
    else if (entry.level == QLatin1String("error"))
        colour = QStringLiteral("#c62828");
    else if (entry.level == QLatin1String("debug"))
        colour = QStringLiteral("#90a4ae");
    else if (entry.level == QLatin1String("info"))
        colour = QStringLiteral("#1565c0");
    const QString time =
        entry.ts.isValid() ? entry.ts.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")) : QString();
    return QStringLiteral("<span style=\"color:#78909c\">%1</span> <b style=\"color:%2\">%3</b> %4")
        .arg(time, colour,
             entry.level.toUpper()
                 .leftJustified(7, QLatin1Char(' '))
                 .toHtmlEscaped()
                 .replace(QLatin1Char(' '), QStringLiteral("&nbsp;")),
             entry.text.toHtmlEscaped());
}

bool LogView::addLine(qint64 seq, const QDateTime& ts, const QString& level, const QString& text)
{
    if (m_seen.contains(seq))
        return false;
    m_seen.insert(seq);
    m_lines.append(text);
    Entry entry{seq, ts, level, text, {}};
    append(htmlOf(entry));
    m_entries.push_back(std::move(entry));
    if (m_entries.size() > size_t(kMaxEntries))
        m_entries.pop_front();
    return true;
}

void LogView::addNote(Text text)
{
    Entry entry;
    entry.note = std::move(text);
    append(htmlOf(entry));
    m_entries.push_back(std::move(entry));
    if (m_entries.size() > size_t(kMaxEntries))
        m_entries.pop_front();
}

QStringList LogView::notes() const
{
    QStringList out;
    for (const Entry& entry : m_entries)
        if (entry.note)
            out.append(entry.note());
    return out;
}

void LogView::clearLog()
{
    clear();
    m_seen.clear();
    m_lines.clear();
    m_entries.clear();
}

} // namespace mmf::studio
