#pragma once

#include "core/FormModel.h"
#include "core/Result.h"

#include <QJsonValue>
#include <QWidget>

namespace mmf::studio {

class EditorIndex;

// The editor of one value of a field's element type (a number, a text, a picture, a nested message…), one
// class per kind, made by EditorFactory. value() is undefined when nothing was entered; errors name the
// field's path and flag the input. Inputs are named "field_<path>" and listed in the form's EditorIndex.
class ValueEditor : public QWidget
{
    Q_OBJECT
public:
    virtual Result<QJsonValue> value() const = 0;
    virtual void setValue(const QJsonValue& value) = 0;
    const FormField& field() const { return m_field; }
    const QString& path() const { return m_path; }

signals:
    void edited();

protected:
    ValueEditor(FormField field, QString path, QWidget* parent);
    // Names the input "field_<path>", gives it the field's comment as help and lists it in the index.
    void registerInput(QWidget* input, EditorIndex& index);
    // Parses text for the field; flags or unflags `input`.
    Result<QJsonValue> checked(QWidget* input, const QString& text) const;

    FormField m_field;
    QString m_path;
};

// JSON value → the text an editor shows ("12", "true", "1.5").
QString textOfJson(const QJsonValue& value);

} // namespace mmf::studio
