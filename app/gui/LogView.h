#pragma once

#include <QDateTime>
#include <QPlainTextEdit>
#include <QSet>

#include <deque>
#include <functional>

namespace mmf::studio {

// A task's log: one line per entry, levels coloured, de-duplicated by seq (a re-subscription replays the
// log), following the end while the user has not scrolled up. The studio's own notes are kept as text
// makers, so a language switch rewrites the notes already on screen.
class LogView : public QPlainTextEdit
{
    Q_OBJECT
public:
    using Text = std::function<QString()>;

    explicit LogView(QWidget* parent = nullptr);

    // false (nothing added) for a seq already shown.
    bool addLine(qint64 seq, const QDateTime& ts, const QString& level, const QString& text);
    // A studio note (connection lost, task submitted), in grey; `text` is asked again after a language
    // switch (a lambda around tr()).
    void addNote(Text text);
    void clearLog();
    int lineCount() const { return int(m_seen.size()); }
    QStringList lines() const { return m_lines; }
    // The notes as shown now.
    QStringList notes() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    struct Entry
    {
        qint64 seq = 0;
        QDateTime ts;
        QString level;
        QString text;
        Text note; // set for a note
    };
    void append(const QString& html);
    static QString htmlOf(const Entry& entry);

    QSet<qint64> m_seen;
    QStringList m_lines;
    std::deque<Entry> m_entries;
};

} // namespace mmf::studio
