#pragma once

#include "gui/editors/ValueEditor.h"

class QDateTimeEdit;

namespace mmf::studio {

// A google.protobuf.Timestamp as a local date and time (sent as RFC 3339 UTC).
class TimestampValueEditor : public ValueEditor
{
    Q_OBJECT
public:
    TimestampValueEditor(const FormField& field, const QString& path, EditorIndex& index, QWidget* parent);
    Result<QJsonValue> value() const override;
    void setValue(const QJsonValue& value) override;

private:
    QDateTimeEdit* m_edit = nullptr;
};

} // namespace mmf::studio
