#include "gui/FieldEditor.h"

#include "gui/RequestForm.h"

#include <QBuffer>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QStackedWidget>
#include <QStyle>
#include <QTimeZone>
#include <QToolButton>
#include <QVBoxLayout>

#include <climits>
#include <cmath>

namespace mmf::studio {

namespace {

constexpr qint64 kMaxFileBytes = 32LL * 1024 * 1024;

// One value of a field's element type.
class ValueEditor : public QWidget
{
public:
    using QWidget::QWidget;
    // Undefined when nothing was entered.
    virtual Result<QJsonValue> value() const = 0;
    virtual void setValue(const QJsonValue& value) = 0;
    std::function<void()> onEdited;

protected:
    void notify()
    {
        if (onEdited)
            onEdited();
    }
};

ValueEditor* createValueEditor(const FormField& field, const QString& path, QWidget* parent);

QString textOf(const QJsonValue& value)
{
    if (value.isString())
        return value.toString();
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (value.isDouble()) {
        const double number = value.toDouble();
        if (std::floor(number) == number && std::abs(number) < 9.0e15)
            return QString::number(qint64(number));
        return QString::number(number, 'g', 17);
    }
    return {};
}

Result<QJsonValue> checked(QWidget* widget, const FormField& field, const QString& path, const QString& text)
{
    Result<QJsonValue> parsed = FormModel::parseScalar(field, text);
    if (!parsed) {
        Error error = parsed.error();
        error.field = path;
        FieldEditor::flag(widget, error.message);
        return error;
    }
    FieldEditor::unflag(widget);
    return parsed;
}

// Text, numbers, enums, booleans, durations and raw JSON.
class ScalarEditor : public ValueEditor
{
public:
    ScalarEditor(const FormField& field, const QString& path, QWidget* parent)
        : ValueEditor(parent)
        , m_field(field)
        , m_path(path)
    {
        setObjectName(QStringLiteral("editor_") + path);
        auto* layout = new QHBoxLayout(this);
        layout->setContentsMargins(0, 0, 0, 0);
        const QString name = QStringLiteral("field_") + path;
        const UiHints& ui = field.ui;
        const bool bounded = ui.min.has_value() && ui.max.has_value();
        switch (field.kind) {
        case FormField::Bool:
            m_check = new QCheckBox(this);
            m_check->setObjectName(name);
            connect(m_check, &QCheckBox::toggled, this, [this] { notify(); });
            layout->addWidget(m_check);
            break;
        case FormField::Enum:
            m_combo = new QComboBox(this);
            m_combo->setObjectName(name);
            m_combo->addItems(field.enumValues);
            connect(m_combo, &QComboBox::currentIndexChanged, this, [this] { notify(); });
            layout->addWidget(m_combo);
            layout->addStretch();
            break;
        case FormField::Int32:
        case FormField::UInt32: {
            const double low = std::max(
                ui.min.value_or(field.kind == FormField::Int32 ? double(INT_MIN) : 0.0), double(INT_MIN));
            const double high = std::min(ui.max.value_or(double(INT_MAX)), double(INT_MAX));
            if (field.kind == FormField::UInt32 && !ui.max) {
                makeLine(layout, name, FieldEditor::tr("a whole number from 0 to 4294967295"));
                break;
            }
            m_spin = new QSpinBox(this);
            m_spin->setObjectName(name);
            m_spin->setRange(int(std::ceil(low)), int(std::floor(high)));
            m_spin->setValue(std::clamp(0, m_spin->minimum(), m_spin->maximum()));
            m_spin->setAccelerated(true);
            m_spin->setMinimumWidth(120);
            if (!ui.unit.isEmpty())
                m_spin->setSuffix(QLatin1Char(' ') + ui.unit);
            connect(m_spin, &QSpinBox::valueChanged, this, [this] { notify(); });
            if (ui.widget == UiHints::Slider && bounded) {
                m_slider = new QSlider(Qt::Horizontal, this);
                m_slider->setObjectName(QStringLiteral("slider_") + path);
                m_slider->setRange(m_spin->minimum(), m_spin->maximum());
                connect(m_slider, &QSlider::valueChanged, m_spin, &QSpinBox::setValue);
                connect(m_spin, &QSpinBox::valueChanged, m_slider, &QSlider::setValue);
                layout->addWidget(m_slider, 1);
                layout->addWidget(m_spin);
            } else {
                layout->addWidget(m_spin);
                layout->addStretch();
            }
            break;
        }
        case FormField::Float:
        case FormField::Double:
            if (bounded) {
                m_doubleSpin = new QDoubleSpinBox(this);
                m_doubleSpin->setObjectName(name);
                m_doubleSpin->setDecimals(field.kind == FormField::Float ? 4 : 6);
                m_doubleSpin->setRange(*ui.min, *ui.max);
                m_doubleSpin->setValue(std::clamp(0.0, *ui.min, *ui.max));
                m_doubleSpin->setMinimumWidth(140);
                if (!ui.unit.isEmpty())
                    m_doubleSpin->setSuffix(QLatin1Char(' ') + ui.unit);
                connect(m_doubleSpin, &QDoubleSpinBox::valueChanged, this, [this] { notify(); });
                if (ui.widget == UiHints::Slider) {
                    m_slider = new QSlider(Qt::Horizontal, this);
                    m_slider->setObjectName(QStringLiteral("slider_") + path);
                    m_slider->setRange(0, 1000);
                    connect(m_slider, &QSlider::valueChanged, this, [this](int step) {
                        const double span = m_doubleSpin->maximum() - m_doubleSpin->minimum();
                        m_doubleSpin->setValue(m_doubleSpin->minimum() + span * step / 1000.0);
                    });
                    layout->addWidget(m_slider, 1);
                    layout->addWidget(m_doubleSpin);
                } else {
                    layout->addWidget(m_doubleSpin);
                    layout->addStretch();
                }
            } else {
                makeLine(layout, name, FieldEditor::tr("a number, e.g. 3.14 or 1e-3"));
            }
            break;
        case FormField::Int64:
            makeLine(layout, name, FieldEditor::tr("a whole number (64-bit)"));
            break;
        case FormField::UInt64:
            makeLine(layout, name, FieldEditor::tr("a whole number from 0 (64-bit)"));
            break;
        case FormField::Duration:
            makeLine(layout, name, FieldEditor::tr("seconds, e.g. 1.5s"));
            break;
        case FormField::Json:
        case FormField::String:
            if (field.kind == FormField::Json || ui.widget == UiHints::Multiline) {
                m_text = new QPlainTextEdit(this);
                m_text->setObjectName(name);
                m_text->setTabChangesFocus(true);
                m_text->setFixedHeight(72);
                if (field.kind == FormField::Json)
                    m_text->setPlaceholderText(FieldEditor::tr("JSON, e.g. {\"key\": 1}"));
                connect(m_text, &QPlainTextEdit::textChanged, this, [this] {
                    if (m_field.kind == FormField::Json)
                        (void)checked(m_text, m_field, m_path, m_text->toPlainText());
                    notify();
                });
                layout->addWidget(m_text);
            } else {
                makeLine(layout, name, {});
                if (ui.widget == UiHints::Secret)
                    m_line->setEchoMode(QLineEdit::Password);
            }
            break;
        default:
            makeLine(layout, name, {});
            break;
        }
        // The field's comment is the editor's help; unflag() restores it.
        if (QWidget* input = findChild<QWidget*>(name)) {
            input->setProperty("help", field.help);
            input->setToolTip(field.help);
        }
    }

    Result<QJsonValue> value() const override
    {
        if (m_check)
            return QJsonValue(m_check->isChecked());
        if (m_combo)
            return QJsonValue(m_combo->currentText());
        if (m_spin)
            return QJsonValue(m_spin->value());
        if (m_doubleSpin)
            return QJsonValue(m_doubleSpin->value());
        if (m_text)
            return checked(m_text, m_field, m_path, m_text->toPlainText());
        return checked(m_line, m_field, m_path, m_line->text());
    }

    void setValue(const QJsonValue& value) override
    {
        if (m_check) {
            m_check->setChecked(value.toBool());
        } else if (m_combo) {
            const int index = value.isDouble() ? value.toInt() : m_combo->findText(value.toString());
            m_combo->setCurrentIndex(std::max(0, index));
        } else if (m_spin) {
            m_spin->setValue(value.isString() ? value.toString().toInt() : value.toInt());
        } else if (m_doubleSpin) {
            m_doubleSpin->setValue(value.isString() ? value.toString().toDouble() : value.toDouble());
        } else if (m_text) {
            m_text->setPlainText(
                m_field.kind == FormField::Json && !value.isUndefined()
                    ? QString::fromUtf8(
                          QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact).mid(1).chopped(1))
                    : textOf(value));
        } else if (m_line) {
            m_line->setText(textOf(value));
        }
    }

private:
    void makeLine(QHBoxLayout* layout, const QString& name, const QString& placeholder)
    {
        m_line = new QLineEdit(this);
        m_line->setObjectName(name);
        m_line->setPlaceholderText(placeholder);
        m_line->setClearButtonEnabled(true);
        connect(m_line, &QLineEdit::textChanged, this, [this] {
            (void)checked(m_line, m_field, m_path, m_line->text());
            notify();
        });
        layout->addWidget(m_line, 1);
        if (!m_field.ui.unit.isEmpty())
            layout->addWidget(new QLabel(m_field.ui.unit, this));
    }

    FormField m_field;
    QString m_path;
    QCheckBox* m_check = nullptr;
    QComboBox* m_combo = nullptr;
    QSpinBox* m_spin = nullptr;
    QDoubleSpinBox* m_doubleSpin = nullptr;
    QSlider* m_slider = nullptr;
    QLineEdit* m_line = nullptr;
    QPlainTextEdit* m_text = nullptr;
};

// Bytes: from a file, with a preview when they hold a picture.
class BytesEditor : public ValueEditor
{
public:
    BytesEditor(const FormField& field, const QString& path, QWidget* parent)
        : ValueEditor(parent)
    {
        setObjectName(QStringLiteral("field_") + path);
        auto* layout = new QHBoxLayout(this);
        layout->setContentsMargins(0, 0, 0, 0);
        m_preview = new QLabel(this);
        m_preview->setObjectName(QStringLiteral("preview_") + path);
        m_preview->setFixedSize(72, 72);
        m_preview->setAlignment(Qt::AlignCenter);
        m_preview->setFrameShape(QFrame::StyledPanel);
        layout->addWidget(m_preview);
        auto* column = new QVBoxLayout;
        m_info = new QLabel(FieldEditor::tr("No data"), this);
        m_info->setObjectName(QStringLiteral("info_") + path);
        column->addWidget(m_info);
        auto* buttons = new QHBoxLayout;
        auto* choose = new QPushButton(style()->standardIcon(QStyle::SP_DialogOpenButton),
                                       FieldEditor::tr("Choose file…"), this);
        choose->setObjectName(QStringLiteral("choose_") + path);
        auto* clear = new QPushButton(style()->standardIcon(QStyle::SP_DialogResetButton),
                                      FieldEditor::tr("Clear"), this);
        clear->setObjectName(QStringLiteral("clear_") + path);
        buttons->addWidget(choose);
        buttons->addWidget(clear);
        buttons->addStretch();
        column->addLayout(buttons);
        layout->addLayout(column, 1);
        m_image = field.ui.widget == UiHints::Image;
        connect(choose, &QPushButton::clicked, this, [this] {
            const QString filter =
                m_image ? FieldEditor::tr("Images (*.png *.jpg *.jpeg *.bmp *.gif);;All files (*)")
                        : FieldEditor::tr("All files (*)");
            const QString file =
                QFileDialog::getOpenFileName(this, FieldEditor::tr("Choose a file"), {}, filter);
            if (!file.isEmpty())
                loadFile(file);
        });
        connect(clear, &QPushButton::clicked, this, [this] {
            setData({}, {});
            notify();
        });
        setData({}, {});
    }

    void loadFile(const QString& fileName)
    {
        QFile file(fileName);
        if (file.size() > kMaxFileBytes) {
            FieldEditor::flag(m_info, FieldEditor::tr("The file is larger than 32 MiB."));
            m_info->setText(FieldEditor::tr("Too large"));
            return;
        }
        if (!file.open(QIODevice::ReadOnly)) {
            FieldEditor::flag(m_info, file.errorString());
            m_info->setText(FieldEditor::tr("Cannot read the file"));
            return;
        }
        FieldEditor::unflag(m_info);
        setData(file.readAll(), QFileInfo(fileName).fileName());
        notify();
    }

    Result<QJsonValue> value() const override
    {
        if (m_data.isEmpty())
            return QJsonValue(QJsonValue::Undefined);
        return QJsonValue(QString::fromLatin1(m_data.toBase64()));
    }

    void setValue(const QJsonValue& value) override
    {
        setData(QByteArray::fromBase64(value.toString().toLatin1()), {});
    }

private:
    void setData(const QByteArray& data, const QString& name)
    {
        m_data = data;
        QImage image;
        if (!data.isEmpty() && image.loadFromData(data)) {
            m_preview->setPixmap(QPixmap::fromImage(image.scaled(
                m_preview->size() - QSize(4, 4), Qt::KeepAspectRatio, Qt::SmoothTransformation)));
            m_info->setText(FieldEditor::tr("%1 image, %2×%3, %4")
                                .arg(name.isEmpty() ? FieldEditor::tr("An") : name)
                                .arg(image.width())
                                .arg(image.height())
                                .arg(QLocale().formattedDataSize(data.size())));
        } else {
            m_preview->setPixmap(
                style()
                    ->standardIcon(data.isEmpty() ? QStyle::SP_FileIcon : QStyle::SP_FileIcon)
                    .pixmap(32, 32));
            m_info->setText(data.isEmpty() ? FieldEditor::tr("No data")
                                           : FieldEditor::tr("%1 (%2)").arg(
                                                 name.isEmpty() ? FieldEditor::tr("Data") : name,
                                                 QLocale().formattedDataSize(data.size())));
        }
    }

    QByteArray m_data;
    QLabel* m_preview = nullptr;
    QLabel* m_info = nullptr;
    bool m_image = false;
};

class TimestampEditor : public ValueEditor
{
public:
    TimestampEditor(const FormField&, const QString& path, QWidget* parent)
        : ValueEditor(parent)
    {
        auto* layout = new QHBoxLayout(this);
        layout->setContentsMargins(0, 0, 0, 0);
        m_edit = new QDateTimeEdit(QDateTime::currentDateTime(), this);
        m_edit->setObjectName(QStringLiteral("field_") + path);
        m_edit->setCalendarPopup(true);
        m_edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        connect(m_edit, &QDateTimeEdit::dateTimeChanged, this, [this] { notify(); });
        layout->addWidget(m_edit);
        layout->addWidget(new QLabel(FieldEditor::tr("local time"), this));
        layout->addStretch();
    }

    Result<QJsonValue> value() const override
    {
        return QJsonValue(m_edit->dateTime().toUTC().toString(Qt::ISODateWithMs));
    }
    void setValue(const QJsonValue& value) override
    {
        const QDateTime time = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
        if (time.isValid())
            m_edit->setDateTime(time.toLocalTime());
    }

private:
    QDateTimeEdit* m_edit = nullptr;
};

// A nested message: its fields in a form.
class MessageEditor : public ValueEditor
{
public:
    MessageEditor(const FormField& field, const QString& path, QWidget* parent, bool framed)
        : ValueEditor(parent)
    {
        setObjectName(QStringLiteral("message_") + path);
        auto* outer = new QVBoxLayout(this);
        outer->setContentsMargins(0, 0, 0, 0);
        QWidget* host = this;
        if (framed) {
            auto* box = new QGroupBox(field.label, this);
            box->setObjectName(QStringLiteral("field_") + path);
            outer->addWidget(box);
            host = box;
        }
        auto* form = new QFormLayout;
        form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
        form->setLabelAlignment(Qt::AlignRight | Qt::AlignTop);
        if (host == this)
            outer->addLayout(form);
        else
            host->setLayout(form);
        const QString prefix = path.isEmpty() ? QString() : path + QLatin1Char('.');
        for (const FormField& child : field.children) {
            FieldEditor* editor = FieldEditor::create(child, prefix + child.name, host);
            m_editors.append(editor);
            connect(editor, &FieldEditor::edited, this, [this] { notify(); });
            addRow(form, child, prefix + child.name, editor, host);
        }
    }

    static void addRow(QFormLayout* form, const FormField& field, const QString& path, QWidget* editor,
                       QWidget* host)
    {
        auto* label = new QLabel(field.label + QLatin1Char(':'), host);
        label->setToolTip(field.help);
        form->addRow(label, FieldEditor::withHelp(field, path, editor, host));
    }

    Result<QJsonValue> value() const override
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
        return object.isEmpty() ? QJsonValue(QJsonValue::Undefined) : QJsonValue(object);
    }

    void setValue(const QJsonValue& value) override
    {
        const QJsonObject object = value.toObject();
        for (FieldEditor* editor : m_editors)
            editor->load(object);
    }

    const QList<FieldEditor*>& editors() const { return m_editors; }

private:
    QList<FieldEditor*> m_editors;
};

ValueEditor* createValueEditor(const FormField& field, const QString& path, QWidget* parent)
{
    switch (field.kind) {
    case FormField::Bytes:
        return new BytesEditor(field, path, parent);
    case FormField::Timestamp:
        return new TimestampEditor(field, path, parent);
    case FormField::Message:
        return new MessageEditor(field, path, parent, true);
    default:
        return new ScalarEditor(field, path, parent);
    }
}

// A singular field; with presence (proto3 optional, a wrapper, a Timestamp) a "Set" box decides between a
// value and None.
class SingleFieldEditor : public FieldEditor
{
public:
    SingleFieldEditor(const FormField& field, const QString& path, QWidget* parent)
        : FieldEditor(field, path, parent)
    {
        setObjectName(QStringLiteral("row_") + path);
        auto* layout = new QHBoxLayout(this);
        layout->setContentsMargins(0, 0, 0, 0);
        const bool presence = field.hasPresence || field.kind == FormField::Timestamp;
        if (presence) {
            m_set = new QCheckBox(field.kind == FormField::Timestamp ? FieldEditor::tr("Set")
                                                                     : FieldEditor::tr("Set (else None)"),
                                  this);
            m_set->setObjectName(QStringLiteral("set_") + path);
            m_set->setToolTip(FieldEditor::tr("Leave unchecked to leave the field out (None)."));
            layout->addWidget(m_set, 0, Qt::AlignTop);
        }
        m_editor = createValueEditor(field, path, this);
        m_editor->onEdited = [this] {
            if (m_set && !m_loading)
                m_set->setChecked(true);
            emit edited();
        };
        layout->addWidget(m_editor, 1);
        if (m_set) {
            connect(m_set, &QCheckBox::toggled, this, [this] { emit edited(); });
        }
    }

    Result<void> collect(QJsonObject& into) const override
    {
        if (m_set && !m_set->isChecked())
            return {};
        Result<QJsonValue> value = m_editor->value();
        if (!value)
            return value.error();
        if (value->isUndefined()) {
            if (m_set)
                into.insert(m_field.name, FormModel::defaultValue(m_field));
            return {};
        }
        into.insert(m_field.name, *value);
        return {};
    }

    void load(const QJsonObject& from) override
    {
        m_loading = true;
        const QJsonValue value = from.value(m_field.name);
        if (m_set)
            m_set->setChecked(!value.isUndefined());
        m_editor->setValue(value.isUndefined() && m_field.kind != FormField::Timestamp ? QJsonValue()
                                                                                       : value);
        m_loading = false;
    }

private:
    QCheckBox* m_set = nullptr;
    ValueEditor* m_editor = nullptr;
    bool m_loading = false;
};

// A repeated field or a map: rows with remove buttons and an add button.
class ListFieldEditor : public FieldEditor
{
public:
    ListFieldEditor(const FormField& field, const QString& path, QWidget* parent)
        : FieldEditor(field, path, parent)
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

    Result<void> collect(QJsonObject& into) const override
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
            QString keyText =
                key->isUndefined() ? textOf(FormModel::defaultValue(m_field.children[0])) : textOf(*key);
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

    void load(const QJsonObject& from) override
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

private:
    struct Row
    {
        QWidget* widget = nullptr;
        ValueEditor* key = nullptr;
        ValueEditor* value = nullptr;
    };

    Row& addRow()
    {
        const int index = int(m_items.size());
        const QString path = m_path + QStringLiteral("[%1]").arg(index);
        Row row;
        row.widget = new QWidget(this);
        row.widget->setObjectName(QStringLiteral("item_") + path);
        auto* layout = new QHBoxLayout(row.widget);
        layout->setContentsMargins(0, 0, 0, 0);
        if (m_field.isMap) {
            FormField key = m_field.children[0];
            key.label = FieldEditor::tr("Key");
            row.key = createValueEditor(key, path + QStringLiteral(".key"), row.widget);
            row.key->onEdited = [this] { emit edited(); };
            layout->addWidget(row.key, 1);
            layout->addWidget(new QLabel(QStringLiteral("→"), row.widget));
            FormField value = m_field.children[1];
            value.label = FieldEditor::tr("Value");
            row.value = createValueEditor(value, path + QStringLiteral(".value"), row.widget);
        } else {
            FormField element = m_field;
            element.repeated = false;
            element.label = FieldEditor::tr("%1 #%2").arg(m_field.label).arg(index + 1);
            row.value = createValueEditor(element, path, row.widget);
        }
        row.value->onEdited = [this] { emit edited(); };
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

    // Rows are renumbered by rebuilding them from the remaining values, so paths stay dense.
    void removeRow(QWidget* widget)
    {
        QJsonObject values;
        std::vector<Row> kept;
        QJsonArray list;
        QJsonObject map;
        for (const Row& row : m_items) {
            if (row.widget == widget)
                continue;
            const Result<QJsonValue> value = row.value->value();
            const QJsonValue element = value && !value->isUndefined() ? *value : QJsonValue();
            if (m_field.isMap) {
                const Result<QJsonValue> key = row.key->value();
                map.insert(key && !key->isUndefined() ? textOf(*key) : QString(), element);
            } else {
                list.append(element);
            }
        }
        if (m_field.isMap)
            values.insert(m_field.name, map);
        else
            values.insert(m_field.name, list);
        load(values);
        emit edited();
    }

    void clearRows()
    {
        for (Row& row : m_items) {
            // Deleted later (a row's own remove button may be running): unname it now so lookups by name
            // find only the rows that replace it.
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

    void updateCount()
    {
        m_count->setText(m_items.empty() ? FieldEditor::tr("empty")
                                         : FieldEditor::tr("%n item(s)", nullptr, int(m_items.size())));
        m_count->setForegroundRole(QPalette::PlaceholderText);
    }

    std::vector<Row> m_items;
    QVBoxLayout* m_rows = nullptr;
    QToolButton* m_add = nullptr;
    QLabel* m_count = nullptr;
};

// A oneof group: pick at most one member, then edit it.
class OneofFieldEditor : public FieldEditor
{
public:
    OneofFieldEditor(const FormField& field, const QString& path, QWidget* parent)
        : FieldEditor(field, path, parent)
    {
        setObjectName(QStringLiteral("oneof_") + path);
        auto* layout = new QVBoxLayout(this);
        layout->setContentsMargins(0, 0, 0, 0);
        m_choice = new QComboBox(this);
        m_choice->setObjectName(QStringLiteral("field_") + path);
        m_choice->addItem(FieldEditor::tr("(none)"));
        m_stack = new QStackedWidget(this);
        m_stack->addWidget(new QWidget(m_stack));
        const int dot = path.lastIndexOf(QLatin1Char('.'));
        const QString prefix = dot < 0 ? QString() : path.left(dot + 1);
        for (const FormField& member : field.children) {
            m_choice->addItem(member.label, member.name);
            m_choice->setItemData(m_choice->count() - 1, member.help, Qt::ToolTipRole);
            ValueEditor* editor = createValueEditor(member, prefix + member.name, m_stack);
            editor->onEdited = [this] { emit edited(); };
            m_stack->addWidget(editor);
            m_editors.append(editor);
        }
        layout->addWidget(m_choice, 0, Qt::AlignLeft);
        layout->addWidget(m_stack);
        connect(m_choice, &QComboBox::currentIndexChanged, this, [this](int index) {
            m_stack->setCurrentIndex(index);
            m_stack->setVisible(index > 0);
            emit edited();
        });
        m_stack->setVisible(false);
    }

    Result<void> collect(QJsonObject& into) const override
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

    void load(const QJsonObject& from) override
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

private:
    QComboBox* m_choice = nullptr;
    QStackedWidget* m_stack = nullptr;
    QList<ValueEditor*> m_editors;
};

// A nested message as a field: its group, always sent when something in it is set.
class MessageFieldEditor : public FieldEditor
{
public:
    MessageFieldEditor(const FormField& field, const QString& path, QWidget* parent)
        : FieldEditor(field, path, parent)
    {
        setObjectName(QStringLiteral("row_") + path);
        auto* layout = new QVBoxLayout(this);
        layout->setContentsMargins(0, 0, 0, 0);
        m_editor = new MessageEditor(field, path, this, false);
        m_editor->onEdited = [this] { emit edited(); };
        auto* box = new QGroupBox(this);
        box->setObjectName(QStringLiteral("field_") + path);
        auto* boxLayout = new QVBoxLayout(box);
        boxLayout->setContentsMargins(8, 8, 8, 8);
        boxLayout->addWidget(m_editor);
        layout->addWidget(box);
    }

    Result<void> collect(QJsonObject& into) const override
    {
        Result<QJsonValue> value = m_editor->value();
        if (!value)
            return value.error();
        if (!value->isUndefined())
            into.insert(m_field.name, *value);
        return {};
    }
    void load(const QJsonObject& from) override { m_editor->setValue(from.value(m_field.name)); }

private:
    MessageEditor* m_editor = nullptr;
};

} // namespace

FieldEditor::FieldEditor(FormField field, QString path, QWidget* parent)
    : QWidget(parent)
    , m_field(std::move(field))
    , m_path(std::move(path))
{}

QWidget* FieldEditor::withHelp(const FormField& field, const QString& path, QWidget* editor, QWidget* host)
{
    if (field.help.isEmpty())
        return editor;
    auto* cell = new QWidget(host);
    auto* column = new QVBoxLayout(cell);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(2);
    column->addWidget(editor);
    auto* help = new QLabel(cell);
    help->setObjectName(QStringLiteral("help_") + path);
    help->setTextFormat(Qt::RichText);
    help->setWordWrap(true);
    help->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    auto setText = [help, text = field.help.toHtmlEscaped(), path] {
        help->setText(QStringLiteral("%1 <a href=\"field:%2\">%3</a>")
                          .arg(text, path.toHtmlEscaped(), FieldEditor::tr("Dictionary")));
    };
    setText();
    QFont font = help->font();
    font.setPointSizeF(font.pointSizeF() * 0.9);
    help->setFont(font);
    help->setForegroundRole(QPalette::PlaceholderText);
    QObject::connect(help, &QLabel::linkActivated, help, [help](const QString& link) {
        for (QObject* up = help->parent(); up; up = up->parent()) {
            if (auto* form = qobject_cast<RequestForm*>(up)) {
                form->showHelp(link.mid(int(qstrlen("field:"))));
                return;
            }
        }
    });
    column->addWidget(help);
    editor->setToolTip(field.help);
    return cell;
}

FieldEditor* FieldEditor::create(const FormField& field, const QString& path, QWidget* parent)
{
    if (field.kind == FormField::Oneof)
        return new OneofFieldEditor(field, path, parent);
    if (field.repeated)
        return new ListFieldEditor(field, path, parent);
    if (field.kind == FormField::Message)
        return new MessageFieldEditor(field, path, parent);
    return new SingleFieldEditor(field, path, parent);
}

void FieldEditor::flag(QWidget* widget, const QString& message)
{
    if (!widget)
        return;
    widget->setProperty("invalid", true);
    widget->setToolTip(message);
    const QString selector = QString::fromLatin1(widget->metaObject()->className());
    widget->setStyleSheet(
        QStringLiteral("%1 { border: 2px solid #c62828; border-radius: 3px; }").arg(selector));
}

void FieldEditor::unflag(QWidget* widget)
{
    if (!widget || !widget->property("invalid").toBool())
        return;
    widget->setProperty("invalid", false);
    widget->setToolTip(widget->property("help").toString());
    widget->setStyleSheet(QString());
}

} // namespace mmf::studio
