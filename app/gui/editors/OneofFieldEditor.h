#pragma once

#include "gui/FieldEditor.h"

#include <QList>

class QComboBox;
class QStackedWidget;

namespace mmf::studio {

class EditorIndex;
class ValueEditor;

// A oneof group: pick at most one member ("field_<group>" combo box), then edit it. The group is as tall
// as the chosen member, not as the tallest one.
class OneofFieldEditor : public FieldEditor
{
    Q_OBJECT
public:
    OneofFieldEditor(const FormField& field, const QString& path, EditorIndex& index, QWidget* parent);
    Result<void> collect(QJsonObject& into) const override;
    void load(const QJsonObject& from) override;

private:
    void showMember(int index);

    QComboBox* m_choice = nullptr;
    QStackedWidget* m_stack = nullptr;
    QList<ValueEditor*> m_editors;
};

} // namespace mmf::studio
