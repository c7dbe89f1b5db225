#pragma once

#include "core/StudioContext.h"

#include <QWidget>

class QComboBox;
class QGroupBox;
class QLabel;
class QPushButton;

namespace mmf::studio {

class LanguageManager;

// Settings: the interface language (English or Russian, switched at once, remembered) and the remembered
// window layout (reset on request to the default size and pane sizes). Owns the studio's LanguageManager and
// restores the remembered language when built.
class SettingsPage : public QWidget
{
    Q_OBJECT
public:
    SettingsPage(StudioContext& context, QWidget* parent = nullptr);
    ~SettingsPage() override;

    LanguageManager& languages() { return *m_languages; }

public slots:
    // Switches the studio to a shipped language ("en", "ru"); false for another code.
    bool setLanguage(const QString& code);
    // Forgets the remembered window geometry and pane sizes and resizes the window to the default.
    void forgetLayout();

signals:
    void layoutForgotten();

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();

    StudioContext& m_context;
    LanguageManager* m_languages;
    QLabel* m_title;
    QGroupBox* m_languageBox;
    QLabel* m_languageLabel;
    QComboBox* m_languageCombo;
    QGroupBox* m_layoutBox;
    QLabel* m_layoutLabel;
    QPushButton* m_forgetLayout;
    QLabel* m_status;
};

} // namespace mmf::studio
