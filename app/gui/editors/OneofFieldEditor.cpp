#include "gui/editors/OneofFieldEditor.h"

#include "gui/editors/EditorFactory.h"
#include "gui/editors/EditorIndex.h"
#include "gui/editors/ValueEditor.h"

#include <QComboBox>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace mmf::studio {

OneofFieldEditor::OneofFieldEditor(const FormField& field, const QString& path, EditorIndex& index,
                                   QWidget* parent)
    : FieldEditor(field, path, parent)
{
    setObjectName(QStringLiteral("oneof_") + path);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_choice = new QComboBox(this);
    m_choice->setObjectName(QStringLiteral("field_") + path);
    index.add(path, m_choice);
    m_choice->addItem(FieldEditor::tr("(none)"));
    m_stack = new QStackedWidget(this);
    m_stack->addWidget(new QWidget(m_stack));
    const int dot = path.lastIndexOf(QLatin1Char('.'));
    const QString prefix = dot < 0 ? QString() : path.left(dot + 1);
    for (const FormField& member : field.children) {
        m_choice->addItem(member.label, member.name);
        m_choice->setItemData(m_choice->count() - 1, member.help, Qt::ToolTipRole);
        ValueEditor* editor = EditorFactory::createValue(member, prefix + member.name, index, m_stack);
        connect(editor, &ValueEditor::edited, this, &FieldEditor::edited);
        m_stack->addWidget(editor);
        m_editors.append(editor);
    }
    layout->addWidget(m_choice, 0, Qt::AlignLeft);
    layout->addWidget(m_stack);
    connect(m_choice, &QComboBox::currentIndexChanged, this, [this](int index) {
        showMember(index);
        emit edited();
    });
    showMember(0);
}

void OneofFieldEditor::showMember(int index)
{
    // A QStackedWidget is as tall as its tallest page; pages not shown are told to take no room.
    for (int i = 0; i < m_stack->count(); ++i)
        m_stack->widget(i)->setSizePolicy(i == index
                                              ? QSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred)
                                              : QSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored));
    m_stack->setCurrentIndex(index);
    m_stack->setVisible(index > 0);
    m_stack->adjustSize();
    updateGeometry();
}

Result<void> OneofFieldEditor::collect(QJsonObject& into) const
{
    const int index = m_choice->currentIndex();
    if (index <= 0)
        return {};
    const FormField& member = m_field.children[size_t(index - 1)];
    Result<QJsonValue> value = m_editors[index - 1]->value();
    if (!value)
        return value.error();
    into.insert(member.name, value->isUndefined() ? FormModel::defaultValue(member) : *value);
    return {};
}

void OneofFieldEditor::load(const QJsonObject& from)
{
    int chosen = 0;
    for (size_t i = 0; i < m_field.children.size(); ++i) {
        const QJsonValue value = from.value(m_field.children[i].name);
        if (!value.isUndefined()) {
            chosen = int(i) + 1;
            m_editors[int(i)]->setValue(value);
        }
    }
    m_choice->setCurrentIndex(chosen);
}

} // namespace mmf::studio
