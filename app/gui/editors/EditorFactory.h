#pragma once

#include "core/FormModel.h"

class QWidget;

namespace mmf::studio {

class EditorIndex;
class FieldEditor;
class ValueEditor;

// Picks the editor class for a field (KeePassXC's attachments widgets follow the same shape: one interface,
// one class per kind, one factory). Every input made is listed in `index` under its path.
class EditorFactory
{
public:
    // A field of a message: a oneof group, a GRID list, another list or map, a nested message, or a single
    // value (with a "Set" box when the field may be left as None).
    static FieldEditor* createField(const FormField& field, const QString& path, EditorIndex& index,
                                    QWidget* parent);
    // One value of the field's element type.
    static ValueEditor* createValue(const FormField& field, const QString& path, EditorIndex& index,
                                    QWidget* parent);
};

} // namespace mmf::studio
