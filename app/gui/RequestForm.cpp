#include "gui/RequestForm.h"

#include "gui/FieldEditor.h"
#include "gui/editors/EditorFactory.h"

#include <QEvent>
#include <QFormLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace mmf::studio {

RequestForm::RequestForm(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("requestForm"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
}

void RequestForm::setMessage(std::vector<FormField> fields)
{
    delete m_body;
    m_editors.clear();
    m_index.clear();
    m_fields = std::move(fields);
    m_body = new QWidget(this);
    auto* form = new QFormLayout(m_body);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignTop);
    form->setVerticalSpacing(10);
    form->setHorizontalSpacing(12);
    for (const FormField& field : m_fields) {
        FieldEditor* editor = EditorFactory::createField(field, field.name, m_index, m_body);
        m_editors.append(editor);
        connect(editor, &FieldEditor::edited, this, &RequestForm::edited);
        auto* label = new QLabel(field.label + QLatin1Char(':'), m_body);
        label->setToolTip(field.help);
        label->setObjectName(QStringLiteral("label_") + field.name);
        form->addRow(label, FieldEditor::withHelp(field, field.name, editor, m_body));
    }
    if (m_fields.empty())
        form->addRow(new QLabel(tr("This request has no fields."), m_body));
    layout()->addWidget(m_body);
}

void RequestForm::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() != QEvent::LanguageChange || m_fields.empty())
        return;
    // After the event has reached every child: the editors are replaced, not retranslated one by one.
    QMetaObject::invokeMethod(
        this,
        [this] {
            const Result<QJsonObject> held = value();
            if (!held)
                return;
            std::vector<FormField> fields = m_fields;
            setMessage(std::move(fields));
            setValue(*held);
        },
        Qt::QueuedConnection);
}

Result<QJsonObject> RequestForm::value() const
{
    QJsonObject object;
    std::optional<Error> first;
    for (FieldEditor* editor : m_editors) {
        Result<void> done = editor->collect(object);
        if (!done && !first)
            first = done.error();
    }
    if (first)
        return *first;
    return object;
}

void RequestForm::setValue(const QJsonObject& json)
{
    for (FieldEditor* editor : m_editors)
        editor->load(json);
}

void RequestForm::clear()
{
    setValue({});
}

bool RequestForm::flagField(const QString& path, const QString& message)
{
    // A path into a list or message the form has no input for ("values[3]" of a grid) flags its field.
    QString known = path;
    while (!known.isEmpty() && !m_index.input(known)) {
        const int cut = std::max(known.lastIndexOf(QLatin1Char('.')), known.lastIndexOf(QLatin1Char('[')));
        known = cut > 0 ? known.left(cut) : QString();
    }
    QWidget* widget = m_index.input(known);
    if (!widget)
        return false;
    FieldEditor::flag(widget, message);
    return true;
}

QStringList RequestForm::invalidPaths() const
{
    return m_index.invalidPaths();
}

} // namespace mmf::studio
