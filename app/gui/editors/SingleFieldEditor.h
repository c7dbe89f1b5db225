#pragma once

#include "gui/FieldEditor.h"

class QCheckBox;

namespace mmf::studio {

class EditorIndex;
class ValueEditor;

// A singular field; with presence (proto3 optional, a wrapper, a Timestamp) a "Set" box ("set_<path>")
// decides between a value and None.
class SingleFieldEditor : public FieldEditor
{
    Q_OBJECT
public:
    SingleFieldEditor(const FormField& field, const QString& path, EditorIndex& index, QWidget* parent);
    Result<void> collect(QJsonObject& into) const override;
    void load(const QJsonObject& from) override;

private:
    QCheckBox* m_set = nullptr;
    ValueEditor* m_editor = nullptr;
    bool m_loading = false;
};

} // namespace mmf::studio
