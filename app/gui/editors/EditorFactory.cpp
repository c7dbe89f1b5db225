#include "gui/editors/EditorFactory.h"

#include "gui/editors/BoolValueEditor.h"
#include "gui/editors/BytesValueEditor.h"
#include "gui/editors/DecimalValueEditor.h"
#include "gui/editors/EnumValueEditor.h"
#include "gui/editors/GridFieldEditor.h"
#include "gui/editors/IntegerValueEditor.h"
#include "gui/editors/LineValueEditor.h"
#include "gui/editors/ListFieldEditor.h"
#include "gui/editors/MessageFieldEditor.h"
#include "gui/editors/MessageValueEditor.h"
#include "gui/editors/OneofFieldEditor.h"
#include "gui/editors/SingleFieldEditor.h"
#include "gui/editors/TextValueEditor.h"
#include "gui/editors/TimestampValueEditor.h"

namespace mmf::studio {

FieldEditor* EditorFactory::createField(const FormField& field, const QString& path, EditorIndex& index,
                                        QWidget* parent)
{
    if (field.kind == FormField::Oneof)
        return new OneofFieldEditor(field, path, index, parent);
    if (field.repeated && !field.isMap && field.isNumber() && field.ui.widget == UiHints::Grid &&
        field.ui.columns > 0)
        return new GridFieldEditor(field, path, index, parent);
    if (field.repeated)
        return new ListFieldEditor(field, path, index, parent);
    if (field.kind == FormField::Message)
        return new MessageFieldEditor(field, path, index, parent);
    return new SingleFieldEditor(field, path, index, parent);
}

ValueEditor* EditorFactory::createValue(const FormField& field, const QString& path, EditorIndex& index,
                                        QWidget* parent)
{
    const bool bounded = field.ui.min.has_value() && field.ui.max.has_value();
    switch (field.kind) {
    case FormField::Bytes:
        return new BytesValueEditor(field, path, index, parent);
    case FormField::Timestamp:
        return new TimestampValueEditor(field, path, index, parent);
    case FormField::Message:
        return new MessageValueEditor(field, path, index, parent, true);
    case FormField::Bool:
        return new BoolValueEditor(field, path, index, parent);
    case FormField::Enum:
        return new EnumValueEditor(field, path, index, parent);
    case FormField::Int32:
        return new IntegerValueEditor(field, path, index, parent);
    case FormField::UInt32:
        if (field.ui.max)
            return new IntegerValueEditor(field, path, index, parent);
        return new LineValueEditor(field, path, index, parent);
    case FormField::Float:
    case FormField::Double:
        if (bounded)
            return new DecimalValueEditor(field, path, index, parent);
        return new LineValueEditor(field, path, index, parent);
    case FormField::Json:
        return new TextValueEditor(field, path, index, parent);
    case FormField::String:
        if (field.ui.widget == UiHints::Multiline)
            return new TextValueEditor(field, path, index, parent);
        return new LineValueEditor(field, path, index, parent);
    default:
        return new LineValueEditor(field, path, index, parent);
    }
}

} // namespace mmf::studio
