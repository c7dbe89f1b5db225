#include "gui/LogView.h"

#include <QEvent>
#include <QFontDatabase>
#include <QScrollBar>

namespace mmf::studio {

LogView::LogView(QWidget* parent)
    : QPlainTextEdit(parent)
{
    setObjectName(QStringLiteral("logView"));
    setReadOnly(true);
    setMaximumBlockCount(20000);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setPlaceholderText(tr("The task's log appears here."));
    setLineWrapMode(QPlainTextEdit::WidgetWidth);
}

void LogView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        setPlaceholderText(tr("The task's log appears here."));
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

bool LogView::addLine(qint64 seq, const QDateTime& ts, const QString& level, const QString& text)
{
    if (m_seen.contains(seq))
        return false;
    m_seen.insert(seq);
    m_lines.append(text);
    QString colour = QStringLiteral("#37474f");
    if (level == QLatin1String("warning"))
        colour = QStringLiteral("#e65100");
    else if (level == QLatin1String("error"))
        colour = QStringLiteral("#c62828");
    else if (level == QLatin1String("debug"))
        colour = QStringLiteral("#90a4ae");
    else if (level == QLatin1String("info"))
        colour = QStringLiteral("#1565c0");
    const QString time = ts.isValid() ? ts.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")) : QString();
    append(QStringLiteral("<span style=\"color:#78909c\">%1</span> <b style=\"color:%2\">%3</b> %4")
               .arg(time, colour,
                    level.toUpper()
                        .leftJustified(7, QLatin1Char(' '))
                        .toHtmlEscaped()
                        .replace(QLatin1Char(' '), QStringLiteral("&nbsp;")),
                    text.toHtmlEscaped()));
    return true;
}

void LogView::addNote(const QString& text)
{
    append(QStringLiteral("<i style=\"color:#78909c\">— %1</i>").arg(text.toHtmlEscaped()));
}

void LogView::clearLog()
{
    clear();
    m_seen.clear();
    m_lines.clear();
}

} // namespace mmf::studio
