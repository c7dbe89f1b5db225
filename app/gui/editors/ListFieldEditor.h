#pragma once

#include "gui/FieldEditor.h"

#include <vector>

class QLabel;
class QToolButton;
class QVBoxLayout;

namespace mmf::studio {

class EditorIndex;
class ValueEditor;

// A repeated field or a map: rows ("item_<path>[i]") with remove buttons ("remove_<path>[i]") and an add
// button ("add_<path>"); a map row has a key ("<path>[i].key") and a value ("<path>[i].value") editor.
class ListFieldEditor : public FieldEditor
{
    Q_OBJECT
public:
    ListFieldEditor(const FormField& field, const QString& path, EditorIndex& index, QWidget* parent);
    Result<void> collect(QJsonObject& into) const override;
    void load(const QJsonObject& from) override;

private:
    struct Row
    {
        QWidget* widget = nullptr;
        ValueEditor* key = nullptr;
        ValueEditor* value = nullptr;
    };
    Row& addRow();
    // Rows are renumbered by rebuilding them from the remaining values, so paths stay dense.
    void removeRow(QWidget* widget);
    void clearRows();
    void updateCount();

    EditorIndex& m_index;
    std::vector<Row> m_items;
    QVBoxLayout* m_rows = nullptr;
    QToolButton* m_add = nullptr;
    QLabel* m_count = nullptr;
};

} // namespace mmf::studio
