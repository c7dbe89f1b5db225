#pragma once

#include <QHash>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QWidget>

namespace mmf::studio {

// Field path → the input widget that edits it ("delay_ms", "point.x", "tags[0]", "counts[0].key"), filled by
// the editors as they are made: RequestForm finds an editor to flag or focus without searching widgets by
// name. A row that is removed drops out by itself (the pointer becomes null); a new row takes its path.
class EditorIndex
{
public:
    void add(const QString& path, QWidget* input) { m_inputs.insert(path, input); }
    QWidget* input(const QString& path) const { return m_inputs.value(path).data(); }
    void clear() { m_inputs.clear(); }
    // Paths whose input is flagged invalid, in path order.
    QStringList invalidPaths() const
    {
        QStringList paths;
        for (auto it = m_inputs.cbegin(); it != m_inputs.cend(); ++it)
            if (it.value() && it.value()->property("invalid").toBool())
                paths.append(it.key());
        paths.sort();
        return paths;
    }

private:
    QHash<QString, QPointer<QWidget>> m_inputs;
};

} // namespace mmf::studio
