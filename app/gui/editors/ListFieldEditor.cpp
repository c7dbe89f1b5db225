#include "gui/editors/ListFieldEditor.h"

#include "gui/editors/EditorFactory.h"
#include "gui/editors/ValueEditor.h"

#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

namespace mmf::studio {

ListFieldEditor::ListFieldEditor(const FormField& field, const QString& path, EditorIndex& index,
                                 QWidget* parent)
    : FieldEditor(field, path, parent)
    , m_index(index)
{
    setObjectName(QStringLiteral("field_") + path);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    m_rows = new QVBoxLayout;
    m_rows->setSpacing(4);
    layout->addLayout(m_rows);
    auto* bar = new QHBoxLayout;
    m_add = new QToolButton(this);
    m_add->setObjectName(QStringLiteral("add_") + path);
    m_add->setText(field.isMap ? FieldEditor::tr("Add entry") : FieldEditor::tr("Add item"));
    m_add->setIcon(style()->standardIcon(QStyle::SP_FileDialogNewFolder));
    m_add->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_count = new QLabel(this);
    bar->addWidget(m_add);
    bar->addWidget(m_count);
    bar->addStretch();
    layout->addLayout(bar);
    connect(m_add, &QToolButton::clicked, this, [this] {
        addRow();
        emit edited();
    });
    updateCount();
}

Result<void> ListFieldEditor::collect(QJsonObject& into) const
{
    std::optional<Error> first;
    QJsonArray list;
    QJsonObject map;
    for (const Row& row : m_items) {
        Result<QJsonValue> value = row.value->value();
        if (!value) {
            if (!first)
                first = value.error();
            continue;
        }
        const QJsonValue element =
            value->isUndefined() ? FormModel::defaultValue(m_field.isMap ? m_field.children[1] : m_field)
                                 : *value;
        if (!m_field.isMap) {
            list.append(element);
            continue;
        }
        Result<QJsonValue> key = row.key->value();
        if (!key) {
            if (!first)
                first = key.error();
            continue;
        }
        const QString keyText =
            key->isUndefined() ? textOfJson(FormModel::defaultValue(m_field.children[0])) : textOfJson(*key);
        map.insert(keyText, element);
    }
    if (first)
        return *first;
    if (m_field.isMap && !map.isEmpty())
        into.insert(m_field.name, map);
    else if (!m_field.isMap && !list.isEmpty())
        into.insert(m_field.name, list);
    return {};
}

void ListFieldEditor::load(const QJsonObject& from)
{
    clearRows();
    const QJsonValue value = from.value(m_field.name);
    if (m_field.isMap) {
        const QJsonObject map = value.toObject();
        for (auto it = map.begin(); it != map.end(); ++it) {
            Row& row = addRow();
            row.key->setValue(it.key());
            row.value->setValue(it.value());
        }
    } else {
        for (const QJsonValue& element : value.toArray())
            addRow().value->setValue(element);
    }
}

ListFieldEditor::Row& ListFieldEditor::addRow()
{
    const int number = int(m_items.size());
    const QString path = m_path + QStringLiteral("[%1]").arg(number);
    Row row;
    row.widget = new QWidget(this);
    row.widget->setObjectName(QStringLiteral("item_") + path);
    auto* layout = new QHBoxLayout(row.widget);
    layout->setContentsMargins(0, 0, 0, 0);
    if (m_field.isMap) {
        FormField key = m_field.children[0];
        key.label = FieldEditor::tr("Key");
        row.key = EditorFactory::createValue(key, path + QStringLiteral(".key"), m_index, row.widget);
        connect(row.key, &ValueEditor::edited, this, &FieldEditor::edited);
        layout->addWidget(row.key, 1);
        layout->addWidget(new QLabel(QStringLiteral("→"), row.widget));
        FormField value = m_field.children[1];
        value.label = FieldEditor::tr("Value");
        row.value = EditorFactory::createValue(value, path + QStringLiteral(".value"), m_index, row.widget);
    } else {
        FormField element = m_field;
        element.repeated = false;
        element.label = FieldEditor::tr("%1 #%2").arg(m_field.label).arg(number + 1);
        row.value = EditorFactory::createValue(element, path, m_index, row.widget);
    }
    connect(row.value, &ValueEditor::edited, this, &FieldEditor::edited);
    layout->addWidget(row.value, 2);
    auto* remove = new QToolButton(row.widget);
    remove->setObjectName(QStringLiteral("remove_") + path);
    remove->setIcon(style()->standardIcon(QStyle::SP_DialogCloseButton));
    remove->setToolTip(FieldEditor::tr("Remove"));
    layout->addWidget(remove, 0, Qt::AlignTop);
    QWidget* widget = row.widget;
    connect(remove, &QToolButton::clicked, this, [this, widget] { removeRow(widget); });
    m_rows->addWidget(row.widget);
    m_items.push_back(row);
    updateCount();
    return m_items.back();
}

void ListFieldEditor::removeRow(QWidget* widget)
{
    QJsonArray list;
    QJsonObject map;
    for (const Row& row : m_items) {
        if (row.widget == widget)
            continue;
        const Result<QJsonValue> value = row.value->value();
        const QJsonValue element = value && !value->isUndefined() ? *value : QJsonValue();
        if (m_field.isMap) {
            const Result<QJsonValue> key = row.key->value();
            map.insert(key && !key->isUndefined() ? textOfJson(*key) : QString(), element);
        } else {
            list.append(element);
        }
    }
    QJsonObject values;
    if (m_field.isMap)
        values.insert(m_field.name, map);
    else
        values.insert(m_field.name, list);
    load(values);
    emit edited();
}

void ListFieldEditor::clearRows()
{
    for (Row& row : m_items) {
        // Deleted later (a row's own remove button may be running): unname it now so tests that look rows up
        // by name find only the rows that replace it; the index already points at the new rows' inputs.
        row.widget->hide();
        row.widget->setObjectName(QString());
        const auto children = row.widget->findChildren<QObject*>();
        for (QObject* child : children)
            child->setObjectName(QString());
        row.widget->deleteLater();
    }
    m_items.clear();
    updateCount();
}

void ListFieldEditor::updateCount()
{
    m_count->setText(m_items.empty() ? FieldEditor::tr("empty")
                                     : FieldEditor::tr("%n item(s)", nullptr, int(m_items.size())));
    m_count->setForegroundRole(QPalette::PlaceholderText);
}

} // namespace mmf::studio
