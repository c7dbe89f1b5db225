#pragma once

#include <QDateTime>
#include <QPlainTextEdit>
#include <QSet>

namespace mmf::studio {

// A task's log: one line per entry, levels coloured, de-duplicated by seq (a re-subscription replays the
// log), following the end while the user has not scrolled up.
class LogView : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit LogView(QWidget* parent = nullptr);

    // false (nothing added) for a seq already shown.
    bool addLine(qint64 seq, const QDateTime& ts, const QString& level, const QString& text);
    // A studio note (connection lost, task submitted), in grey.
    void addNote(const QString& text);
    void clearLog();
    int lineCount() const { return int(m_seen.size()); }
    QStringList lines() const { return m_lines; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void append(const QString& html);

    QSet<qint64> m_seen;
    QStringList m_lines;
};

} // namespace mmf::studio
