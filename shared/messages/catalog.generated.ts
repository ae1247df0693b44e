// Generated from templates/messages by `npm run build` (shared/messages/compile.ts). Edit the templates, not this file.
import type { Catalog } from './render.ts';

export const CATALOG: Catalog = {
 "layout": "<!doctype html>\n<html lang=\"{{lang}}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"color-scheme\" content=\"light\">\n<title>{{subject}}</title>\n<style>\np { margin: 0 0 16px; }\n@media only screen and (max-width: 620px) {\n  .container { width: 100% !important; }\n  .content { padding: 24px 16px !important; }\n}\n</style>\n</head>\n<body style=\"margin:0;padding:0;background:{{backgroundColor}};font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:{{textColor}}\">\n<div style=\"display:none;max-height:0;overflow:hidden\">{{preheader}}</div>\n<table role=\"presentation\" width=\"100%\" cellspacing=\"0\" cellpadding=\"0\" style=\"background:{{backgroundColor}}\">\n<tr><td align=\"center\" style=\"padding:24px 8px\">\n<table role=\"presentation\" class=\"container\" width=\"600\" cellspacing=\"0\" cellpadding=\"0\" style=\"width:600px;max-width:600px\">\n<tr><td style=\"padding:0 0 16px\">{{#logoUrl}}<img src=\"{{logoUrl}}\" alt=\"{{product}}\" height=\"40\" style=\"display:block;height:40px;border:0\">{{/logoUrl}}{{^logoUrl}}<span style=\"font-size:20px;font-weight:bold;color:{{primaryColor}}\">{{product}}</span>{{/logoUrl}}</td></tr>\n<tr><td class=\"content\" style=\"background:#ffffff;border-radius:8px;padding:32px\">\n{{{body}}}\n</td></tr>\n<tr><td style=\"padding:16px 8px;font-size:12px;line-height:1.5;color:#6b7280;text-align:center\">\n{{#footer}}<div>{{footer}}</div>{{/footer}}\n{{#supportLine}}<div>{{supportLine}}</div>{{/supportLine}}\n</td></tr>\n</table>\n</td></tr>\n</table>\n</body>\n</html>\n",
 "locales": {
  "en": {
   "greeting": "Hello{{#name}} {{name}}{{/name}},",
   "signOff": "The {{product}} team",
   "support": "{{#supportEmail}}Questions? Write to us at {{supportEmail}}.{{/supportEmail}}",
   "kinds": {
    "sign-up-code": {
     "email": {
      "subject": "Your {{product}} verification code",
      "heading": "Confirm your email address",
      "intro": [
       "Thank you for signing up for {{product}}. Enter this code to confirm your email address:"
      ],
      "highlight": "{{code}}",
      "outro": [
       "If you did not sign up, you can ignore this email."
      ]
     },
     "sms": {
      "full": "{{product}}: your verification code is {{code}}. If you did not sign up, ignore this message.",
      "short": "{{product}} code: {{code}}"
     }
    },
    "sign-up-link": {
     "email": {
      "subject": "Confirm your {{product}} account",
      "heading": "Confirm your email address",
      "intro": [
       "Thank you for signing up for {{product}}. Follow this link to confirm your email address:",
       "{{link}}"
      ],
      "outro": [
       "If you did not sign up, you can ignore this email."
      ]
     }
    },
    "admin-invitation": {
     "email": {
      "subject": "You have been invited to {{product}}",
      "heading": "Your {{product}} account is ready",
      "intro": [
       "An account has been created for you. Your user name is {{username}} and your temporary password is:"
      ],
      "highlight": "{{code}}",
      "outro": [
       "Sign in with it and choose a password of your own. The temporary password expires after a few days."
      ]
     },
     "sms": {
      "full": "{{product}}: your user name is {{username}} and your temporary password is {{code}}",
      "short": "{{product}}: {{username}} / {{code}}"
     }
    },
    "resend-code": {
     "email": {
      "subject": "Your new {{product}} verification code",
      "heading": "Here is your new code",
      "intro": [
       "You asked for a new code. Enter it to confirm your email address:"
      ],
      "highlight": "{{code}}",
      "outro": [
       "Earlier codes no longer work. If you did not ask for this, you can ignore this email."
      ]
     },
     "sms": {
      "full": "{{product}}: your new verification code is {{code}}",
      "short": "{{product}} code: {{code}}"
     }
    },
    "forgot-password": {
     "email": {
      "subject": "Reset your {{product}} password",
      "heading": "Reset your password",
      "intro": [
       "We received a request to reset your password. Enter this code to choose a new one:"
      ],
      "highlight": "{{code}}",
      "outro": [
       "If you did not ask for this, you can ignore this email; your password stays as it is."
      ]
     },
     "sms": {
      "full": "{{product}}: your password reset code is {{code}}. If you did not ask for it, ignore this message.",
      "short": "{{product}} reset code: {{code}}"
     }
    },
    "attribute-verification": {
     "email": {
      "subject": "Verify your {{product}} contact details",
      "heading": "Verify your contact details",
      "intro": [
       "Enter this code to verify the contact details you added to your account:"
      ],
      "highlight": "{{code}}",
      "outro": [
       "If you did not make this change, contact us and change your password."
      ]
     },
     "sms": {
      "full": "{{product}}: your verification code is {{code}}",
      "short": "{{product}} code: {{code}}"
     }
    },
    "sign-in-code": {
     "email": {
      "subject": "Your {{product}} sign-in code",
      "heading": "Your sign-in code",
      "intro": [
       "Enter this code to sign in{{#minutes}} within {{minutes}} minutes{{/minutes}}:"
      ],
      "highlight": "{{code}}",
      "outro": [
       "If you are not signing in, someone may know your password. Change it now."
      ]
     },
     "sms": {
      "full": "{{product}}: your sign-in code is {{code}}{{#minutes}}. It expires in {{minutes}} minutes{{/minutes}}. Do not share it.",
      "short": "{{product}} sign-in code: {{code}}"
     }
    },
    "magic-link": {
     "email": {
      "subject": "Sign in to {{product}}",
      "heading": "Sign in to {{product}}",
      "intro": [
       "Use this button to sign in{{#minutes}}. It works once, within {{minutes}} minutes{{/minutes}}."
      ],
      "button": {
       "label": "Sign in",
       "url": "{{link}}"
      },
      "outro": [
       "If you did not ask to sign in, you can ignore this email."
      ]
     },
     "sms": {
      "full": "{{product}} sign-in link: {{link}}",
      "short": "{{link}}"
     }
    },
    "account-takeover": {
     "email": {
      "subject": "Unusual sign-in to your {{product}} account",
      "heading": "We noticed an unusual sign-in",
      "intro": [
       "Someone signed in to your account{{#time}} at {{time}}{{/time}}{{#device}} from {{device}}{{/device}}{{#ip}} (IP address {{ip}}{{#city}}, {{city}}{{/city}}{{#country}}, {{country}}{{/country}}){{/ip}}.",
       "{{#action}}Our response: {{action}}.{{/action}}"
      ],
      "outro": [
       "{{#validLink}}If this was you, confirm it here: {{validLink}}{{/validLink}}",
       "{{#invalidLink}}If this was not you, tell us here: {{invalidLink}} and change your password.{{/invalidLink}}{{^invalidLink}}If this was not you, change your password now.{{/invalidLink}}"
      ]
     }
    },
    "welcome": {
     "email": {
      "subject": "Welcome to {{product}}",
      "heading": "Welcome to {{product}}",
      "intro": [
       "Your {{product}} account is ready. We are glad to have you with us."
      ],
      "outro": [
       "You can sign in at any time with the email address you registered."
      ]
     }
    },
    "password-changed": {
     "email": {
      "subject": "Your {{product}} password was changed",
      "heading": "Your password was changed",
      "intro": [
       "The password of your account was just changed."
      ],
      "outro": [
       "If this was you, there is nothing more to do. If it was not, reset your password now and contact our support team."
      ]
     }
    },
    "new-sign-in": {
     "email": {
      "subject": "New sign-in to your {{product}} account",
      "heading": "New sign-in",
      "intro": [
       "Your account was signed in to from a new device{{#signInAt}} at {{signInAt}}{{/signInAt}}."
      ],
      "outro": [
       "If this was you, there is nothing more to do. If it was not, change your password now."
      ]
     }
    }
   }
  },
  "de": {
   "greeting": "Hallo{{#name}} {{name}}{{/name}},",
   "signOff": "Ihr {{product}}-Team",
   "support": "{{#supportEmail}}Fragen? Schreiben Sie uns an {{supportEmail}}.{{/supportEmail}}",
   "kinds": {
    "sign-up-code": {
     "email": {
      "subject": "Ihr Bestätigungscode für {{product}}",
      "heading": "Bestätigen Sie Ihre E-Mail-Adresse",
      "intro": [
       "Danke für Ihre Registrierung bei {{product}}. Geben Sie diesen Code ein, um Ihre E-Mail-Adresse zu bestätigen:"
      ],
      "highlight": "{{code}}",
      "outro": [
       "Wenn Sie sich nicht registriert haben, können Sie diese E-Mail ignorieren."
      ]
     },
     "sms": {
      "full": "{{product}}: Ihr Bestätigungscode lautet {{code}}. Nicht angefordert? Dann ignorieren Sie diese Nachricht.",
      "short": "{{product}}-Code: {{code}}"
     }
    },
    "sign-up-link": {
     "email": {
      "subject": "Bestätigen Sie Ihr Konto bei {{product}}",
      "heading": "Bestätigen Sie Ihre E-Mail-Adresse",
      "intro": [
       "Danke für Ihre Registrierung bei {{product}}. Folgen Sie diesem Link, um Ihre E-Mail-Adresse zu bestätigen:",
       "{{link}}"
      ],
      "outro": [
       "Wenn Sie sich nicht registriert haben, können Sie diese E-Mail ignorieren."
      ]
     }
    },
    "admin-invitation": {
     "email": {
      "subject": "Sie wurden zu {{product}} eingeladen",
      "heading": "Ihr Konto bei {{product}} ist eingerichtet",
      "intro": [
       "Für Sie wurde ein Konto angelegt. Ihr Benutzername ist {{username}}, Ihr vorläufiges Passwort lautet:"
      ],
      "highlight": "{{code}}",
      "outro": [
       "Melden Sie sich damit an und wählen Sie ein eigenes Passwort. Das vorläufige Passwort verfällt nach einigen Tagen."
      ]
     },
     "sms": {
      "full": "{{product}}: Ihr Benutzername ist {{username}}, Ihr vorläufiges Passwort {{code}}",
      "short": "{{product}}: {{username}} / {{code}}"
     }
    },
    "resend-code": {
     "email": {
      "subject": "Ihr neuer Bestätigungscode für {{product}}",
      "heading": "Hier ist Ihr neuer Code",
      "intro": [
       "Sie haben einen neuen Code angefordert. Geben Sie ihn ein, um Ihre E-Mail-Adresse zu bestätigen:"
      ],
      "highlight": "{{code}}",
      "outro": [
       "Frühere Codes gelten nicht mehr. Wenn Sie keinen Code angefordert haben, können Sie diese E-Mail ignorieren."
      ]
     },
     "sms": {
      "full": "{{product}}: Ihr neuer Bestätigungscode lautet {{code}}",
      "short": "{{product}}-Code: {{code}}"
     }
    },
    "forgot-password": {
     "email": {
      "subject": "Passwort für {{product}} zurücksetzen",
      "heading": "Setzen Sie Ihr Passwort zurück",
      "intro": [
       "Wir haben eine Anfrage zum Zurücksetzen Ihres Passworts erhalten. Mit diesem Code wählen Sie ein neues:"
      ],
      "highlight": "{{code}}",
      "outro": [
       "Wenn Sie das nicht angefordert haben, können Sie diese E-Mail ignorieren; Ihr Passwort bleibt unverändert."
      ]
     },
     "sms": {
      "full": "{{product}}: Ihr Code zum Zurücksetzen des Passworts lautet {{code}}. Nicht angefordert? Ignorieren.",
      "short": "{{product}}-Code: {{code}}"
     }
    },
    "attribute-verification": {
     "email": {
      "subject": "Bestätigen Sie Ihre Kontaktdaten bei {{product}}",
      "heading": "Bestätigen Sie Ihre Kontaktdaten",
      "intro": [
       "Geben Sie diesen Code ein, um die Kontaktdaten zu bestätigen, die Sie Ihrem Konto hinzugefügt haben:"
      ],
      "highlight": "{{code}}",
      "outro": [
       "Wenn Sie diese Änderung nicht vorgenommen haben, wenden Sie sich an uns und ändern Sie Ihr Passwort."
      ]
     },
     "sms": {
      "full": "{{product}}: Ihr Bestätigungscode lautet {{code}}",
      "short": "{{product}}-Code: {{code}}"
     }
    },
    "sign-in-code": {
     "email": {
      "subject": "Ihr Anmeldecode für {{product}}",
      "heading": "Ihr Anmeldecode",
      "intro": [
       "Geben Sie diesen Code ein, um sich anzumelden{{#minutes}} (gültig {{minutes}} Minuten){{/minutes}}:"
      ],
      "highlight": "{{code}}",
      "outro": [
       "Wenn Sie sich gerade nicht anmelden, kennt möglicherweise jemand Ihr Passwort. Ändern Sie es sofort."
      ]
     },
     "sms": {
      "full": "{{product}}: Ihr Anmeldecode lautet {{code}}{{#minutes}}, gültig {{minutes}} Minuten{{/minutes}}. Geben Sie ihn nicht weiter.",
      "short": "{{product}}-Anmeldecode: {{code}}"
     }
    },
    "magic-link": {
     "email": {
      "subject": "Bei {{product}} anmelden",
      "heading": "Bei {{product}} anmelden",
      "intro": [
       "Melden Sie sich mit dieser Schaltfläche an{{#minutes}}. Sie funktioniert einmal, innerhalb von {{minutes}} Minuten{{/minutes}}."
      ],
      "button": {
       "label": "Anmelden",
       "url": "{{link}}"
      },
      "outro": [
       "Wenn Sie keine Anmeldung angefordert haben, können Sie diese E-Mail ignorieren."
      ]
     },
     "sms": {
      "full": "{{product}}-Anmeldelink: {{link}}",
      "short": "{{link}}"
     }
    },
    "account-takeover": {
     "email": {
      "subject": "Ungewöhnliche Anmeldung bei Ihrem {{product}}-Konto",
      "heading": "Wir haben eine ungewöhnliche Anmeldung bemerkt",
      "intro": [
       "Jemand hat sich bei Ihrem Konto angemeldet{{#time}} ({{time}}){{/time}}{{#device}}, Gerät: {{device}}{{/device}}{{#ip}}, IP-Adresse {{ip}}{{#city}}, {{city}}{{/city}}{{#country}}, {{country}}{{/country}}{{/ip}}.",
       "{{#action}}Unsere Reaktion: {{action}}.{{/action}}"
      ],
      "outro": [
       "{{#validLink}}Wenn Sie das waren, bestätigen Sie es hier: {{validLink}}{{/validLink}}",
       "{{#invalidLink}}Wenn Sie das nicht waren, melden Sie es hier: {{invalidLink}} und ändern Sie Ihr Passwort.{{/invalidLink}}{{^invalidLink}}Wenn Sie das nicht waren, ändern Sie sofort Ihr Passwort.{{/invalidLink}}"
      ]
     }
    },
    "welcome": {
     "email": {
      "subject": "Willkommen bei {{product}}",
      "heading": "Willkommen bei {{product}}",
      "intro": [
       "Ihr Konto bei {{product}} ist eingerichtet. Schön, dass Sie dabei sind."
      ],
      "outro": [
       "Sie können sich jederzeit mit der E-Mail-Adresse anmelden, mit der Sie sich registriert haben."
      ]
     }
    },
    "password-changed": {
     "email": {
      "subject": "Ihr Passwort bei {{product}} wurde geändert",
      "heading": "Ihr Passwort wurde geändert",
      "intro": [
       "Das Passwort Ihres Kontos wurde soeben geändert."
      ],
      "outro": [
       "Wenn Sie das waren, ist nichts weiter zu tun. Wenn nicht, setzen Sie Ihr Passwort sofort zurück und wenden Sie sich an unseren Support."
      ]
     }
    },
    "new-sign-in": {
     "email": {
      "subject": "Neue Anmeldung bei Ihrem {{product}}-Konto",
      "heading": "Neue Anmeldung",
      "intro": [
       "Ihr Konto wurde von einem neuen Gerät aus angemeldet{{#signInAt}} ({{signInAt}}){{/signInAt}}."
      ],
      "outro": [
       "Wenn Sie das waren, ist nichts weiter zu tun. Wenn nicht, ändern Sie bitte sofort Ihr Passwort."
      ]
     }
    }
   }
  },
  "fr": {
   "greeting": "Bonjour{{#name}} {{name}}{{/name}},",
   "signOff": "L’équipe {{product}}",
   "support": "{{#supportEmail}}Des questions ? Écrivez-nous à {{supportEmail}}.{{/supportEmail}}",
   "kinds": {
    "sign-up-code": {
     "email": {
      "subject": "Votre code de vérification {{product}}",
      "heading": "Confirmez votre adresse e-mail",
      "intro": [
       "Merci de vous être inscrit à {{product}}. Saisissez ce code pour confirmer votre adresse e-mail :"
      ],
      "highlight": "{{code}}",
      "outro": [
       "Si vous ne vous êtes pas inscrit, ignorez cet e-mail."
      ]
     },
     "sms": {
      "full": "{{product}} : votre code de vérification est {{code}}. Si vous n’êtes pas à l’origine de la demande, ignorez ce message.",
      "short": "Code {{product}} : {{code}}"
     }
    },
    "sign-up-link": {
     "email": {
      "subject": "Confirmez votre compte {{product}}",
      "heading": "Confirmez votre adresse e-mail",
      "intro": [
       "Merci de vous être inscrit à {{product}}. Suivez ce lien pour confirmer votre adresse e-mail :",
       "{{link}}"
      ],
      "outro": [
       "Si vous ne vous êtes pas inscrit, ignorez cet e-mail."
      ]
     }
    },
    "admin-invitation": {
     "email": {
      "subject": "Vous êtes invité à rejoindre {{product}}",
      "heading": "Votre compte {{product}} est prêt",
      "intro": [
       "Un compte a été créé pour vous. Votre nom d’utilisateur est {{username}} et votre mot de passe temporaire est :"
      ],
      "highlight": "{{code}}",
      "outro": [
       "Connectez-vous avec celui-ci, puis choisissez votre propre mot de passe. Le mot de passe temporaire expire au bout de quelques jours."
      ]
     },
     "sms": {
      "full": "{{product}} : votre nom d’utilisateur est {{username}}, votre mot de passe temporaire {{code}}",
      "short": "{{product}} : {{username}} / {{code}}"
     }
    },
    "resend-code": {
     "email": {
      "subject": "Votre nouveau code de vérification {{product}}",
      "heading": "Voici votre nouveau code",
      "intro": [
       "Vous avez demandé un nouveau code. Saisissez-le pour confirmer votre adresse e-mail :"
      ],
      "highlight": "{{code}}",
      "outro": [
       "Les codes précédents ne sont plus valables. Si vous n’avez rien demandé, ignorez cet e-mail."
      ]
     },
     "sms": {
      "full": "{{product}} : votre nouveau code de vérification est {{code}}",
      "short": "Code {{product}} : {{code}}"
     }
    },
    "forgot-password": {
     "email": {
      "subject": "Réinitialisez votre mot de passe {{product}}",
      "heading": "Réinitialisez votre mot de passe",
      "intro": [
       "Nous avons reçu une demande de réinitialisation de votre mot de passe. Saisissez ce code pour en choisir un nouveau :"
      ],
      "highlight": "{{code}}",
      "outro": [
       "Si vous n’avez rien demandé, ignorez cet e-mail ; votre mot de passe reste inchangé."
      ]
     },
     "sms": {
      "full": "{{product}} : votre code de réinitialisation est {{code}}. Si vous n’avez rien demandé, ignorez ce message.",
      "short": "Code {{product}} : {{code}}"
     }
    },
    "attribute-verification": {
     "email": {
      "subject": "Vérifiez vos coordonnées {{product}}",
      "heading": "Vérifiez vos coordonnées",
      "intro": [
       "Saisissez ce code pour vérifier les coordonnées que vous avez ajoutées à votre compte :"
      ],
      "highlight": "{{code}}",
      "outro": [
       "Si vous n’êtes pas à l’origine de cette modification, contactez-nous et changez votre mot de passe."
      ]
     },
     "sms": {
      "full": "{{product}} : votre code de vérification est {{code}}",
      "short": "Code {{product}} : {{code}}"
     }
    },
    "sign-in-code": {
     "email": {
      "subject": "Votre code de connexion {{product}}",
      "heading": "Votre code de connexion",
      "intro": [
       "Saisissez ce code pour vous connecter{{#minutes}} dans les {{minutes}} minutes{{/minutes}} :"
      ],
      "highlight": "{{code}}",
      "outro": [
       "Si vous n’êtes pas en train de vous connecter, quelqu’un connaît peut-être votre mot de passe. Changez-le maintenant."
      ]
     },
     "sms": {
      "full": "{{product}} : votre code de connexion est {{code}}{{#minutes}}, valable {{minutes}} minutes{{/minutes}}. Ne le partagez pas.",
      "short": "Code de connexion {{product}} : {{code}}"
     }
    },
    "magic-link": {
     "email": {
      "subject": "Connexion à {{product}}",
      "heading": "Connectez-vous à {{product}}",
      "intro": [
       "Utilisez ce bouton pour vous connecter{{#minutes}}. Il fonctionne une seule fois, dans les {{minutes}} minutes{{/minutes}}."
      ],
      "button": {
       "label": "Se connecter",
       "url": "{{link}}"
      },
      "outro": [
       "Si vous n’avez pas demandé à vous connecter, ignorez cet e-mail."
      ]
     },
     "sms": {
      "full": "Lien de connexion {{product}} : {{link}}",
      "short": "{{link}}"
     }
    },
    "account-takeover": {
     "email": {
      "subject": "Connexion inhabituelle à votre compte {{product}}",
      "heading": "Nous avons remarqué une connexion inhabituelle",
      "intro": [
       "Quelqu’un s’est connecté à votre compte{{#time}} le {{time}}{{/time}}{{#device}} depuis {{device}}{{/device}}{{#ip}} (adresse IP {{ip}}{{#city}}, {{city}}{{/city}}{{#country}}, {{country}}{{/country}}){{/ip}}.",
       "{{#action}}Notre réponse : {{action}}.{{/action}}"
      ],
      "outro": [
       "{{#validLink}}Si c’était vous, confirmez-le ici : {{validLink}}{{/validLink}}",
       "{{#invalidLink}}Si ce n’était pas vous, signalez-le ici : {{invalidLink}} et changez votre mot de passe.{{/invalidLink}}{{^invalidLink}}Si ce n’était pas vous, changez votre mot de passe maintenant.{{/invalidLink}}"
      ]
     }
    },
    "welcome": {
     "email": {
      "subject": "Bienvenue sur {{product}}",
      "heading": "Bienvenue sur {{product}}",
      "intro": [
       "Votre compte {{product}} est prêt. Nous sommes ravis de vous compter parmi nous."
      ],
      "outro": [
       "Vous pouvez vous connecter à tout moment avec l’adresse e-mail de votre inscription."
      ]
     }
    },
    "password-changed": {
     "email": {
      "subject": "Votre mot de passe {{product}} a été modifié",
      "heading": "Votre mot de passe a été modifié",
      "intro": [
       "Le mot de passe de votre compte vient d’être modifié."
      ],
      "outro": [
       "Si c’était vous, il n’y a rien d’autre à faire. Sinon, réinitialisez votre mot de passe maintenant et contactez notre support."
      ]
     }
    },
    "new-sign-in": {
     "email": {
      "subject": "Nouvelle connexion à votre compte {{product}}",
      "heading": "Nouvelle connexion",
      "intro": [
       "Votre compte a été utilisé depuis un nouvel appareil{{#signInAt}} le {{signInAt}}{{/signInAt}}."
      ],
      "outro": [
       "Si c’était vous, il n’y a rien d’autre à faire. Sinon, changez votre mot de passe maintenant."
      ]
     }
    }
   }
  },
  "es": {
   "greeting": "Hola{{#name}} {{name}}{{/name}}:",
   "signOff": "El equipo de {{product}}",
   "support": "{{#supportEmail}}¿Preguntas? Escríbanos a {{supportEmail}}.{{/supportEmail}}",
   "kinds": {
    "sign-up-code": {
     "email": {
      "subject": "Su código de verificación de {{product}}",
      "heading": "Confirme su dirección de correo electrónico",
      "intro": [
       "Gracias por registrarse en {{product}}. Introduzca este código para confirmar su dirección de correo electrónico:"
      ],
      "highlight": "{{code}}",
      "outro": [
       "Si no se ha registrado, puede ignorar este mensaje."
      ]
     },
     "sms": {
      "full": "{{product}}: su código de verificación es {{code}}. Si no lo ha solicitado, ignore este mensaje.",
      "short": "Código de {{product}}: {{code}}"
     }
    },
    "sign-up-link": {
     "email": {
      "subject": "Confirme su cuenta de {{product}}",
      "heading": "Confirme su dirección de correo electrónico",
      "intro": [
       "Gracias por registrarse en {{product}}. Siga este enlace para confirmar su dirección de correo electrónico:",
       "{{link}}"
      ],
      "outro": [
       "Si no se ha registrado, puede ignorar este mensaje."
      ]
     }
    },
    "admin-invitation": {
     "email": {
      "subject": "Le han invitado a {{product}}",
      "heading": "Su cuenta de {{product}} está lista",
      "intro": [
       "Se ha creado una cuenta para usted. Su nombre de usuario es {{username}} y su contraseña temporal es:"
      ],
      "highlight": "{{code}}",
      "outro": [
       "Inicie sesión con ella y elija su propia contraseña. La contraseña temporal caduca al cabo de unos días."
      ]
     },
     "sms": {
      "full": "{{product}}: su usuario es {{username}} y su contraseña temporal {{code}}",
      "short": "{{product}}: {{username}} / {{code}}"
     }
    },
    "resend-code": {
     "email": {
      "subject": "Su nuevo código de verificación de {{product}}",
      "heading": "Este es su nuevo código",
      "intro": [
       "Ha solicitado un código nuevo. Introdúzcalo para confirmar su dirección de correo electrónico:"
      ],
      "highlight": "{{code}}",
      "outro": [
       "Los códigos anteriores ya no son válidos. Si no lo ha solicitado, puede ignorar este mensaje."
      ]
     },
     "sms": {
      "full": "{{product}}: su nuevo código de verificación es {{code}}",
      "short": "Código de {{product}}: {{code}}"
     }
    },
    "forgot-password": {
     "email": {
      "subject": "Restablezca su contraseña de {{product}}",
      "heading": "Restablezca su contraseña",
      "intro": [
       "Hemos recibido una solicitud para restablecer su contraseña. Introduzca este código para elegir una nueva:"
      ],
      "highlight": "{{code}}",
      "outro": [
       "Si no lo ha solicitado, puede ignorar este mensaje; su contraseña no cambia."
      ]
     },
     "sms": {
      "full": "{{product}}: su código para restablecer la contraseña es {{code}}. Si no lo ha solicitado, ignórelo.",
      "short": "Código de {{product}}: {{code}}"
     }
    },
    "attribute-verification": {
     "email": {
      "subject": "Verifique sus datos de contacto de {{product}}",
      "heading": "Verifique sus datos de contacto",
      "intro": [
       "Introduzca este código para verificar los datos de contacto que ha añadido a su cuenta:"
      ],
      "highlight": "{{code}}",
      "outro": [
       "Si no ha hecho este cambio, póngase en contacto con nosotros y cambie su contraseña."
      ]
     },
     "sms": {
      "full": "{{product}}: su código de verificación es {{code}}",
      "short": "Código de {{product}}: {{code}}"
     }
    },
    "sign-in-code": {
     "email": {
      "subject": "Su código de inicio de sesión de {{product}}",
      "heading": "Su código de inicio de sesión",
      "intro": [
       "Introduzca este código para iniciar sesión{{#minutes}} en los próximos {{minutes}} minutos{{/minutes}}:"
      ],
      "highlight": "{{code}}",
      "outro": [
       "Si no está iniciando sesión, es posible que alguien conozca su contraseña. Cámbiela ahora."
      ]
     },
     "sms": {
      "full": "{{product}}: su código de inicio de sesión es {{code}}{{#minutes}}, válido {{minutes}} minutos{{/minutes}}. No lo comparta.",
      "short": "Código de inicio de {{product}}: {{code}}"
     }
    },
    "magic-link": {
     "email": {
      "subject": "Inicie sesión en {{product}}",
      "heading": "Inicie sesión en {{product}}",
      "intro": [
       "Use este botón para iniciar sesión{{#minutes}}. Funciona una sola vez, durante {{minutes}} minutos{{/minutes}}."
      ],
      "button": {
       "label": "Iniciar sesión",
       "url": "{{link}}"
      },
      "outro": [
       "Si no ha solicitado iniciar sesión, puede ignorar este mensaje."
      ]
     },
     "sms": {
      "full": "Enlace de inicio de sesión de {{product}}: {{link}}",
      "short": "{{link}}"
     }
    },
    "account-takeover": {
     "email": {
      "subject": "Inicio de sesión inusual en su cuenta de {{product}}",
      "heading": "Hemos detectado un inicio de sesión inusual",
      "intro": [
       "Alguien ha iniciado sesión en su cuenta{{#time}} el {{time}}{{/time}}{{#device}} desde {{device}}{{/device}}{{#ip}} (dirección IP {{ip}}{{#city}}, {{city}}{{/city}}{{#country}}, {{country}}{{/country}}){{/ip}}.",
       "{{#action}}Nuestra respuesta: {{action}}.{{/action}}"
      ],
      "outro": [
       "{{#validLink}}Si fue usted, confírmelo aquí: {{validLink}}{{/validLink}}",
       "{{#invalidLink}}Si no fue usted, indíquenoslo aquí: {{invalidLink}} y cambie su contraseña.{{/invalidLink}}{{^invalidLink}}Si no fue usted, cambie su contraseña ahora.{{/invalidLink}}"
      ]
     }
    },
    "welcome": {
     "email": {
      "subject": "Bienvenido a {{product}}",
      "heading": "Bienvenido a {{product}}",
      "intro": [
       "Su cuenta de {{product}} está lista. Nos alegra tenerle con nosotros."
      ],
      "outro": [
       "Puede iniciar sesión en cualquier momento con la dirección de correo electrónico con la que se registró."
      ]
     }
    },
    "password-changed": {
     "email": {
      "subject": "Se ha cambiado su contraseña de {{product}}",
      "heading": "Se ha cambiado su contraseña",
      "intro": [
       "Se acaba de cambiar la contraseña de su cuenta."
      ],
      "outro": [
       "Si fue usted, no tiene que hacer nada más. Si no, restablezca su contraseña ahora y póngase en contacto con nuestro equipo de soporte."
      ]
     }
    },
    "new-sign-in": {
     "email": {
      "subject": "Nuevo inicio de sesión en su cuenta de {{product}}",
      "heading": "Nuevo inicio de sesión",
      "intro": [
       "Se ha iniciado sesión en su cuenta desde un dispositivo nuevo{{#signInAt}} el {{signInAt}}{{/signInAt}}."
      ],
      "outro": [
       "Si fue usted, no tiene que hacer nada más. Si no, cambie su contraseña ahora."
      ]
     }
    }
   }
  }
 }
};
