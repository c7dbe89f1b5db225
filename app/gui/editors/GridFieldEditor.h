#pragma once

#include "gui/FieldEditor.h"

class QTableWidget;
class QTableWidgetItem;

namespace mmf::studio {

class EditorIndex;

// A repeated number with the (mmf.ui) GRID widget: a table of `columns` cells per row ("field_<path>"),
// each cell shaded by its value between min and max (dark = high), filled row by row. Cells left empty are
// sent as the default (0) up to the last filled one; an empty grid sends nothing.
class GridFieldEditor : public FieldEditor
{
    Q_OBJECT
public:
    GridFieldEditor(const FormField& field, const QString& path, EditorIndex& index, QWidget* parent);
    Result<void> collect(QJsonObject& into) const override;
    void load(const QJsonObject& from) override;
    QTableWidget* table() const { return m_table; }

private:
    void shade(QTableWidgetItem* item) const;

    QTableWidget* m_table = nullptr;
    bool m_loading = false;
};

} // namespace mmf::studio
