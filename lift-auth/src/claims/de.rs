//! Reading claims: a hand-written visitor (faster than `#[serde(flatten)]`) that records
//! missing and wrong-typed claims so verification can name them.

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::{Audience, Claims, NumericDate, default_memory_context};
use crate::error::{AuthErrorKind, Error};
use crate::role::Role;
use crate::tier::SubscriptionTier;

/// A time claim as found: absent, a valid NumericDate, or present with the wrong type.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) enum TimeClaim {
    #[default]
    Absent,
    Present(NumericDate),
    Invalid,
}

impl<'de> Deserialize<'de> for TimeClaim {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Any JSON value is accepted here; only a number in range is a date.
        let value = Value::deserialize(deserializer)?;
        Ok(match NumericDate::deserialize(&value) {
            Ok(date) => Self::Present(date),
            Err(_) => Self::Invalid,
        })
    }
}

impl TimeClaim {
    fn into_option(self, name: &'static str) -> Result<Option<NumericDate>, Error> {
        match self {
            Self::Absent => Ok(None),
            Self::Present(date) => Ok(Some(date)),
            Self::Invalid => Err(Error::with_detail(AuthErrorKind::InvalidClaim, name)),
        }
    }
}

/// Claims before the required ones are checked.
#[derive(Debug, Default)]
pub(crate) struct RawClaims {
    sub: Option<String>,
    org_id: Option<String>,
    email: Option<String>,
    roles: Option<Vec<Role>>,
    permissions: Option<Vec<String>>,
    memory_context: Option<String>,
    subscription_tier: Option<SubscriptionTier>,
    exp: TimeClaim,
    iat: TimeClaim,
    nbf: TimeClaim,
    iss: Option<String>,
    aud: Option<Audience>,
    jti: Option<String>,
    extra: Map<String, Value>,
}

impl RawClaims {
    /// Checks the required claims and the types of the time claims.
    pub(crate) fn into_claims(self) -> Result<Claims, Error> {
        let exp = self.exp.into_option("exp")?;
        let iat = self.iat.into_option("iat")?;
        let nbf = self.nbf.into_option("nbf")?;
        let missing = |name: &'static str| Error::with_detail(AuthErrorKind::MissingClaim, name);
        let sub = self.sub.ok_or_else(|| missing("sub"))?;
        let org_id = self.org_id.ok_or_else(|| missing("org_id"))?;
        let email = self.email.ok_or_else(|| missing("email"))?;
        let exp = exp.ok_or_else(|| missing("exp"))?;
        Ok(Claims {
            sub,
            memory_context: self
                .memory_context
                .unwrap_or_else(|| default_memory_context(&org_id)),
            org_id,
            email,
            roles: self.roles.unwrap_or_default(),
            permissions: self.permissions.unwrap_or_default(),
            subscription_tier: self.subscription_tier.unwrap_or_default(),
            exp,
            iat,
            iss: self.iss,
            aud: self.aud,
            nbf,
            jti: self.jti,
            extra: self.extra,
        })
    }
}

/// The first named claim of `payload` whose value has the wrong JSON type, so that an
/// error can say which one (`"sub": 7`, `"roles": "admin"`).
pub(crate) fn wrong_typed_claim(payload: &Map<String, Value>) -> Option<&'static str> {
    fn bad<'a, T: Deserialize<'a>>(value: &'a Value) -> bool {
        T::deserialize(value).is_err()
    }
    const NAMES: [&str; 13] = [
        "sub",
        "org_id",
        "email",
        "roles",
        "permissions",
        "memory_context",
        "subscription_tier",
        "exp",
        "iat",
        "nbf",
        "iss",
        "aud",
        "jti",
    ];
    NAMES.into_iter().find(|&name| {
        let Some(value) = payload.get(name) else {
            return false;
        };
        match name {
            "roles" => bad::<Vec<Role>>(value),
            "permissions" => bad::<Vec<String>>(value),
            "subscription_tier" => bad::<SubscriptionTier>(value),
            "exp" | "iat" | "nbf" => bad::<NumericDate>(value),
            "aud" => bad::<Audience>(value),
            _ => bad::<String>(value),
        }
    })
}

/// A claim name, matched without allocating for the known ones.
enum Field {
    Sub,
    OrgId,
    Email,
    Roles,
    Permissions,
    MemoryContext,
    SubscriptionTier,
    Exp,
    Iat,
    Nbf,
    Iss,
    Aud,
    Jti,
    Other(String),
}

struct FieldVisitor;

impl Visitor<'_> for FieldVisitor {
    type Value = Field;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a claim name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Field, E> {
        Ok(match name {
            "sub" => Field::Sub,
            "org_id" => Field::OrgId,
            "email" => Field::Email,
            "roles" => Field::Roles,
            "permissions" => Field::Permissions,
            "memory_context" => Field::MemoryContext,
            "subscription_tier" => Field::SubscriptionTier,
            "exp" => Field::Exp,
            "iat" => Field::Iat,
            "nbf" => Field::Nbf,
            "iss" => Field::Iss,
            "aud" => Field::Aud,
            "jti" => Field::Jti,
            other => Field::Other(other.to_owned()),
        })
    }
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(FieldVisitor)
    }
}

struct RawClaimsVisitor;

impl<'de> Visitor<'de> for RawClaimsVisitor {
    type Value = RawClaims;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object of claims")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut raw = RawClaims::default();
        while let Some(key) = map.next_key::<Field>()? {
            match key {
                Field::Sub => raw.sub = map.next_value()?,
                Field::OrgId => raw.org_id = map.next_value()?,
                Field::Email => raw.email = map.next_value()?,
                Field::Roles => raw.roles = map.next_value()?,
                Field::Permissions => raw.permissions = map.next_value()?,
                Field::MemoryContext => raw.memory_context = map.next_value()?,
                Field::SubscriptionTier => raw.subscription_tier = map.next_value()?,
                Field::Exp => raw.exp = map.next_value()?,
                Field::Iat => raw.iat = map.next_value()?,
                Field::Nbf => raw.nbf = map.next_value()?,
                Field::Iss => raw.iss = map.next_value()?,
                Field::Aud => raw.aud = map.next_value()?,
                Field::Jti => raw.jti = map.next_value()?,
                Field::Other(name) => {
                    let value: Value = map.next_value()?;
                    raw.extra.insert(name, value);
                }
            }
        }
        Ok(raw)
    }
}

impl<'de> Deserialize<'de> for RawClaims {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(RawClaimsVisitor)
    }
}

impl<'de> Deserialize<'de> for Claims {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        RawClaims::deserialize(deserializer)?
            .into_claims()
            .map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(json: &str) -> Result<Claims, Error> {
        serde_json::from_str::<RawClaims>(json)
            .unwrap()
            .into_claims()
    }

    #[test]
    fn core_token_payload() {
        let claims = raw(
            r#"{"sub":"u","org_id":"o","email":"e","roles":["user","owner"],
            "exp":4102444800,"iat":1763856000.5,"custom":{"a":1}}"#,
        )
        .unwrap();
        assert_eq!(claims.roles, [Role::User, Role::Other("owner".to_owned())]);
        assert_eq!(claims.memory_context, "org_o_context");
        assert_eq!(claims.subscription_tier, SubscriptionTier::Free);
        assert_eq!(claims.extra["custom"]["a"], 1);
        let back: Claims = serde_json::from_value(serde_json::to_value(&claims).unwrap()).unwrap();
        assert_eq!(back, claims);
    }

    #[test]
    fn wrong_typed_claims_are_found_by_name() {
        let find = |json: &str| wrong_typed_claim(&serde_json::from_str(json).unwrap());
        assert_eq!(find(r#"{"sub":7,"exp":1}"#), Some("sub"));
        assert_eq!(find(r#"{"sub":"u","roles":"admin"}"#), Some("roles"));
        assert_eq!(find(r#"{"permissions":[1]}"#), Some("permissions"));
        assert_eq!(find(r#"{"aud":{"x":1}}"#), Some("aud"));
        assert_eq!(
            find(r#"{"subscription_tier":null}"#),
            Some("subscription_tier")
        );
        assert_eq!(find(r#"{"sub":"u","custom":7,"roles":["x"]}"#), None);
    }

    #[test]
    fn missing_and_wrong_typed_claims_are_named() {
        let err = raw(r#"{"org_id":"o","email":"e","exp":1}"#).unwrap_err();
        assert_eq!(
            (err.kind(), err.detail()),
            (AuthErrorKind::MissingClaim, Some("sub"))
        );
        let err = raw(r#"{"sub":"u","org_id":"o","email":"e"}"#).unwrap_err();
        assert_eq!(
            (err.kind(), err.detail()),
            (AuthErrorKind::MissingClaim, Some("exp"))
        );
        let err = raw(r#"{"sub":"u","org_id":"o","email":"e","exp":"2100"}"#).unwrap_err();
        assert_eq!(
            (err.kind(), err.detail()),
            (AuthErrorKind::InvalidClaim, Some("exp"))
        );
        let err = raw(r#"{"sub":"u","org_id":"o","email":"e","exp":1,"nbf":null}"#).unwrap_err();
        assert_eq!(
            (err.kind(), err.detail()),
            (AuthErrorKind::InvalidClaim, Some("nbf"))
        );
    }
}
