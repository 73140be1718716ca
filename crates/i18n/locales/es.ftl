### Handoff: los textos que una persona participante ve, firma o conserva, en español.
### Traducción hecha con cuidado por el significado legal; no la ha revisado todavía una
### persona calificada (traductor jurídico certificado): el programa lo ve al imprimir.

meta-language-name = Español
meta-reviewed = no
meta-reviewer = Sin revisar
# How the language writes 1234 and 12345.6 (see the forms Handoff knows in the ADR).
meta-number-format = 1234 / 12.345,6

## Fechas.

date-long = { $weekday }, { $day } de { $month } de { $year }
weekday-1 = lunes
weekday-2 = martes
weekday-3 = miércoles
weekday-4 = jueves
weekday-5 = viernes
weekday-6 = sábado
weekday-7 = domingo
month-1 = enero
month-2 = febrero
month-3 = marzo
month-4 = abril
month-5 = mayo
month-6 = junio
month-7 = julio
month-8 = agosto
month-9 = septiembre
month-10 = octubre
month-11 = noviembre
month-12 = diciembre

## La hoja de remisión que la persona conserva.

slip-title = Su remisión
slip-reference = Número de referencia
slip-coming = Un administrador de casos viene ahora a reunirse con usted.
slip-coming-named = Un administrador de casos ({ $name }) viene ahora a reunirse con usted.
slip-deadline = Por favor, vaya a { $provider } o llame a más tardar el { $date }.
slip-bring = Traiga:
slip-keep = { $program }. Conserve esta hoja. Muestre el número de referencia cuando llame o vaya.
slip-interpreter = Pida un intérprete: tiene derecho a uno, sin costo.

## Lo que la persona acepta al aceptar la oferta (se le lee antes de firmar).

offer-consent-criminal-justice = Acepto que el proveedor de tratamiento informe a { $agency } y a la fiscalía si se comunicaron conmigo, si completé la evaluación de admisión dentro del plazo, si participé en el tratamiento y si lo dejé o lo completé, con fechas, para que el cargo quede en suspenso y no se presente. No se comparte ninguna otra información. Puedo revocar este consentimiento avisando al proveedor, salvo en lo que la ley permite para las remisiones de la justicia penal (42 CFR 2.35).
offer-consent-general = Acepto que el proveedor de tratamiento informe a { $agency } si se comunicaron conmigo, si comencé y participé en el tratamiento o los servicios, y si los dejé o los completé, con fechas, para que puedan darme seguimiento y ayudarme. No se comparte ninguna otra información. Puedo revocar este consentimiento en cualquier momento avisando al proveedor (42 CFR 2.31). Vence un año después de que lo firme.

## La autorización para una remisión a una organización que no da tratamiento.

release-agree = Acepto que { $agency } dé a las organizaciones a las que se me remite aquí para vivienda, apoyo para la recuperación o servicios sociales mi nombre, mis datos de contacto y las necesidades para las que se hace la remisión, para que puedan comunicarse conmigo. No se comparte nada más: ningún expediente de tratamiento ni ningún antecedente penal. Puedo revocar esta autorización en cualquier momento avisando a { $agency } o a la organización; la remisión termina entonces. Vence un año después de que la firme.
release-purpose = Remitirme a { $services } y permitir que se comuniquen conmigo al respecto.
release-revocation = Puede revocar esta autorización en cualquier momento avisando a { $agency } o a { $partner }; la remisión termina entonces y { $partner } deja de ver su información.

## Los elementos de un consentimiento (42 CFR 2.31), tal como la persona los firma y conserva.

kind-general = Consentimiento general (42 CFR 2.31)
kind-criminal-justice = Consentimiento para una remisión de la justicia penal (42 CFR 2.35)
kind-release = Autorización para divulgar información para una remisión (no es un consentimiento de la parte 2 del título 42 del CFR)
form-who = Quién puede divulgar
form-what = Qué información
form-to-whom = A quién
form-purpose = Para qué
form-revoke = Derecho a revocar
form-expires = Vencimiento
form-nothing-else = Nada más, y nunca notas de consejería.
form-release-nothing-else = Nada más: ningún expediente de tratamiento ni ningún antecedente penal.
form-redisclosure = Los registros divulgados con este consentimiento no pueden usarse para investigarme ni procesarme penalmente sin una orden judicial (42 CFR 2.12, 2.64, 2.65).
info-status = Estado de participación con fechas: contacto, evaluación de admisión completada dentro del plazo, participación en el tratamiento, abandono o finalización del programa
info-attendance = Fechas de asistencia a las citas
info-referral = El nombre y los datos de contacto de la persona, y las necesidades para las que se hace la remisión
purpose-criminal-justice = Informar a la agencia que me remitió y a la fiscalía si participé en el programa (contacto, evaluación de admisión dentro del plazo, participación, salida), para que el cargo quede en suspenso y después no se presente.
purpose-follow-up = Informar al personal de primera respuesta que me remitió si me conecté con el tratamiento o los servicios (contacto, evaluación de admisión, participación, salida), para que puedan darme seguimiento y ayudarme.
revocation-criminal-justice = Puede revocar este consentimiento en cualquier momento avisando al proveedor de tratamiento, de palabra o por escrito. Como se otorga para una remisión de la justicia penal (42 CFR 2.35), la revocación surte efecto en la resolución final del cargo, no antes.
revocation-general = Puede revocar este consentimiento en cualquier momento avisando al proveedor de tratamiento, de palabra o por escrito; a partir de entonces no se divulga nada más.
expiry-disposition = En { $event }, o el { $date } (un año después de firmarlo), lo que ocurra primero.
expiry-year = El { $date } (un año después de firmarlo), salvo que se revoque antes.
expiry-release = el { $date } (un año después de firmarla), salvo que se revoque antes.
event-final-disposition = la resolución final del cargo (la decisión de la fiscalía de presentarlo o no presentarlo)
irrevocable = Este consentimiento no puede revocarse antes de { $event }.

## El consentimiento impreso.

print-title = Consentimiento para divulgar
print-title-release = Autorización para divulgar información
print-person = Paciente
print-born = nacido/a el { $date }
print-signature = Firma
print-typed = escrita a máquina
print-signed-on = firmado el { $date }
print-attested = Dan fe
print-words = El texto que la persona firmó
print-irrevocable = Hasta la resolución final del cargo (42 CFR 2.35)
print-irrevocable-label = Irrevocable

## El aviso que acompaña toda divulgación hecha con un consentimiento (42 CFR 2.32).

notice-232-title = Aviso (42 CFR 2.32).
notice-232 = La parte 2 del título 42 del CFR prohíbe el uso o la divulgación no autorizados de estos registros. Este registro está protegido por normas federales de confidencialidad (parte 2 del título 42 del CFR): prohíben usarlo, o usar testimonios que lo describan, en cualquier procedimiento civil, penal, administrativo o legislativo contra el paciente, salvo que el paciente lo consienta o un tribunal lo autorice (42 CFR 2.64, 2.65), y prohíben cualquier otro uso o divulgación salvo que lo permita el consentimiento por escrito del paciente o la parte 2 del título 42 del CFR. Una autorización general para divulgar información médica o de otro tipo no es suficiente para este fin (42 CFR 2.31).

## Un consentimiento que registra un proveedor.

revocation-provider = Puede revocar este consentimiento en cualquier momento, de palabra o por escrito, avisando a { $provider }. La revocación detiene de inmediato las divulgaciones futuras; no deshace las ya hechas.
expiry-day-or-disposition = El { $date } al final del día, o en { $event }, lo que ocurra primero.
expiry-day = El { $date } al final del día.
expiry-at-disposition = En { $event }.
class-providers = los proveedores de tratamiento del programa
recipients-and-class = { $names }, y { $class }
print-expiry-date = el { $date }
print-expiry-event = en { $event }
print-expiry-or = { $first }, o { $second }
attestation = La persona leyó el consentimiento (o se lo leyeron) y lo firmó con el nombre escrito aquí.

## Recordatorios para la persona (ADR 0022).
reminder-subject = Recordatorio de cita
reminder-appointment = Recordatorio: tiene una cita el { $date } a las { $time }, { $place }. Responda STOP para no recibir más mensajes.
